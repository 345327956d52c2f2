import { LOG_READER, LogReader } from '@app/event-store';
import { MONGO_DB } from '@app/platform';
import { currentViewNames, liveProjections, verifyViews } from '@app/read-models';
import { Inject } from '@nestjs/common';
import { MultiBar, Presets } from 'cli-progress';
import type { mongo } from 'mongoose';
import { Command, CommandRunner, Option } from 'nest-commander';

const PROJECTIONS = liveProjections().map((p) => p.name);

/** `npm run admin -- verify [--projection thread]`: the same check as POST /admin/verifications, here with a progress bar. */
@Command({ name: 'verify', description: 'rebuild the views into scratch collections and list every difference from the live ones (exit code 1 if any)' })
export class VerifyCommand extends CommandRunner {
  constructor(
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    @Inject(LOG_READER) private readonly log: LogReader,
  ) {
    super();
  }

  @Option({ flags: '-p, --projection <name>', description: `one of ${PROJECTIONS.join(', ')} (default: all)` })
  parseProjection(value: string): string {
    return value;
  }

  async run(_args: string[], options: { projection?: string }): Promise<void> {
    if (options.projection !== undefined && !PROJECTIONS.includes(options.projection)) {
      console.error(`--projection must be one of ${PROJECTIONS.join(', ')}`);
      process.exitCode = 2;
      return;
    }
    const chosen = liveProjections().filter((p) => !options.projection || p.name === options.projection);
    const bars = new MultiBar({ format: '{projection} [{bar}] {value}/{total} log positions', hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 2_000 }, Presets.shades_classic);
    const byName = new Map<string, ReturnType<MultiBar['create']>>();
    const report = await verifyViews(this.db, this.log, chosen, await currentViewNames(this.db), (projection, done, total) => {
      const bar = byName.get(projection) ?? byName.set(projection, bars.create(total, 0, { projection })).get(projection)!;
      bar.setTotal(total);
      bar.update(done, { projection });
    });
    bars.stop();
    console.log(`${report.documents} documents compared, ${report.movedOn} written since (not compared), ${report.differences.length} differences`);
    for (const d of report.differences) console.log(`${d.collection} ${d.id} ${d.field}: live ${JSON.stringify(d.live)}, rebuilt ${JSON.stringify(d.rebuilt)}`);
    if (report.differences.length > 0) process.exitCode = 1;
  }
}
