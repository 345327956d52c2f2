import { LEASES, Leases, LOG_READER, LogReader } from '@app/event-store';
import { AppConfig, MONGO_DB, REDIS } from '@app/platform';
import Redis from 'ioredis';
import { aliasFlipAnnouncer, liveProjections, RebuildCollections, RebuildConflictError, RebuildDocument, RebuildRunner, requestRebuild } from '@app/read-models';
import { Inject } from '@nestjs/common';
import { MultiBar, Presets, SingleBar } from 'cli-progress';
import type { mongo } from 'mongoose';
import { userInfo } from 'node:os';
import { Command, CommandRunner, Option } from 'nest-commander';

const PROJECTIONS = liveProjections().map((p) => p.name);

/**
 * `npm run admin -- rebuild [--projection thread|all]`: the same rebuild as POST /admin/rebuilds,
 * run in this process with a progress bar. Readers move to the new views when it reaches the
 * head; the workers' live projectors carry on from there. Ctrl-C cancels it (the live views
 * stay as they were); killed outright, a worker resumes it within a minute.
 */
@Command({ name: 'rebuild', description: 'rebuild views from the log into new collections and flip readers to them at the head' })
export class RebuildCommand extends CommandRunner {
  constructor(
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    @Inject(LOG_READER) private readonly log: LogReader,
    @Inject(LEASES) private readonly leases: Leases,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    super();
  }

  @Option({ flags: '-p, --projection <name>', description: `all, or one of ${PROJECTIONS.join(', ')} (default: all)` })
  parseProjection(value: string): string {
    return value;
  }

  @Option({ flags: '-b, --batch-size <entries>', description: 'log entries per batch, 1 to 5000 (default: REBUILD_BATCH_SIZE)' })
  parseBatchSize(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 5_000) throw new Error('--batch-size must be a whole number from 1 to 5000');
    return n;
  }

  async run(_args: string[], options: { projection?: string; batchSize?: number }): Promise<void> {
    const chosen = options.projection ?? 'all';
    if (chosen !== 'all' && !PROJECTIONS.includes(chosen)) {
      console.error(`--projection must be all or one of ${PROJECTIONS.join(', ')}`);
      process.exitCode = 2;
      return;
    }
    let doc: RebuildDocument;
    try {
      doc = await requestRebuild(this.db, liveProjections().filter((p) => chosen === 'all' || p.name === chosen), { kind: 'admin', id: `cli:${userInfo().username}` }, options.batchSize ?? null);
    } catch (error) {
      if (!(error instanceof RebuildConflictError)) throw error;
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    console.log(`rebuild ${doc._id}`);
    const cancel = () => void this.db.collection(RebuildCollections.cancellations).insertOne({ _id: doc._id as never, requestedBy: doc.requestedBy, requestedAt: new Date() }).catch(() => undefined);
    process.on('SIGINT', cancel);

    const bars = new MultiBar({ format: '{projection} [{bar}] {value}/{total} log positions | {rate} events/s | eta {eta_formatted}', hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 2_000 }, Presets.shades_classic);
    const byName = new Map<string, SingleBar>();
    const timing = new Map<string, { started: number; finished: number | null }>();
    const finished = await new RebuildRunner(this.db, this.log, this.leases, this.config.leaseTiming, this.config.REBUILD_BATCH_SIZE, aliasFlipAnnouncer(this.redis, this.config.QUEUE_PREFIX)).run(doc._id, (d) => {
      for (const t of d.targets) {
        if (t.state === 'queued') continue;
        if (!timing.has(t.projection)) timing.set(t.projection, { started: performance.now(), finished: null });
        const time = timing.get(t.projection)!;
        if (t.state !== 'running' && time.finished === null) time.finished = performance.now();
        const bar = byName.get(t.projection) ?? byName.set(t.projection, bars.create(t.head, t.position, { projection: t.projection, rate: '-' })).get(t.projection)!;
        bar.setTotal(Math.max(t.head, 1));
        bar.update(t.position, { projection: t.projection, rate: t.state === 'running' ? (d.progress.eventsPerSecond ?? '-') : '-' });
      }
    });
    bars.stop();
    process.off('SIGINT', cancel);
    if (!finished) return;
    for (const t of finished.targets) {
      const time = timing.get(t.projection);
      const seconds = time ? ((time.finished ?? performance.now()) - time.started) / 1000 : 0;
      if (t.state !== 'flipped') {
        console.log(`${t.projection}: ${t.state}, the live views are as they were`);
        continue;
      }
      const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
      console.log(`rebuilt ${t.projection}: ${t.events} events in ${seconds.toFixed(1)} s, ${Math.round(t.events / Math.max(seconds, 0.001))} events/s, peak memory ${peakMb} MB`);
    }
    // The workers' recovery pass schedules the drop of the replaced views, as for any rebuild.
    if (finished.state !== 'done') process.exitCode = 1;
  }
}
