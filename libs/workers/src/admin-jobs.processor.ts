import { LEASES, Leases, LOG_READER, LogReader } from '@app/event-store';
import {
  ADMIN_QUEUE,
  AdminJob,
  AppConfig,
  DropRetiredViewsJobData,
  dropRetiredViewsJob,
  MAX_LISTED_DIFFERENCES,
  MONGO_DB,
  Periodic,
  rebuildJob,
  REDIS,
  RebuildJobData,
  VerificationDocument,
  VERIFICATIONS,
} from '@app/platform';
import { aliasFlipAnnouncer, currentViewNames, FINISHED_REBUILD, liveProjections, RebuildCollections, RebuildDocument, RebuildRunner, verifyViews } from '@app/read-models';
import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import type { mongo } from 'mongoose';

export interface VerifyJobData {
  verificationId: string;
}

type AdminJobData = VerifyJobData | RebuildJobData | DropRetiredViewsJobData;

/** A rebuild that has not reported for this long lost its runner (a killed CLI, a lost job): queued again. */
const ABANDONED_AFTER_MS = 60_000;
const RECOVERY_EVERY_MS = 30_000;

/**
 * Admin work on the views: verifications, rebuilds and dropping retired views. A killed worker's
 * job is taken up by another within seconds (short lock, many allowed stalls): a rebuild then
 * resumes from its checkpoint.
 */
@Processor(ADMIN_QUEUE, { concurrency: 2, lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 50 })
export class AdminJobsProcessor extends WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('admin-jobs');
  private readonly recovery = new Periodic(() => this.recover(), this.logger);

  readonly handlers: Record<AdminJob, (job: Job<AdminJobData>) => Promise<unknown>> = {
    [AdminJob.Verify]: (job) => this.verify(job as Job<VerifyJobData>),
    [AdminJob.Rebuild]: (job) => this.rebuild(job as Job<RebuildJobData>),
    [AdminJob.DropRetiredViews]: (job) => this.dropRetired(job as Job<DropRetiredViewsJobData>),
  };

  constructor(
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    @Inject(LOG_READER) private readonly log: LogReader,
    @Inject(LEASES) private readonly leases: Leases,
    @InjectQueue(ADMIN_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const missing = Object.values(AdminJob).filter((name) => typeof this.handlers[name] !== 'function');
    if (missing.length) throw new Error(`no handler for admin jobs: ${missing.join(', ')}`);
    this.recovery.start(RECOVERY_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.recovery.stop();
  }

  process(job: Job<AdminJobData>): Promise<unknown> {
    const handler = this.handlers[job.name as AdminJob];
    if (!handler) throw new Error(`unknown admin job ${job.name}`);
    return handler(job);
  }

  @OnWorkerEvent('error')
  onError(): void {}

  private get verifications() {
    return this.db.collection<VerificationDocument>(VERIFICATIONS);
  }

  private get rebuilds() {
    return this.db.collection<RebuildDocument>(RebuildCollections.rebuilds);
  }

  private runner(): RebuildRunner {
    return new RebuildRunner(this.db, this.log, this.leases, this.config.leaseTiming, this.config.REBUILD_BATCH_SIZE, aliasFlipAnnouncer(this.redis, this.config.QUEUE_PREFIX));
  }

  /** Runs (or resumes) a rebuild; when its job gives up, the rebuild is marked failed and what it built goes. */
  private async rebuild(job: Job<RebuildJobData>): Promise<unknown> {
    const runner = this.runner();
    try {
      const doc = await runner.run(job.data.rebuildId, (d) => void job.updateProgress({ ...d.progress }).catch(() => undefined));
      if (doc) await this.scheduleDrop(doc);
      return { state: doc?.state ?? null };
    } catch (error) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await runner.fail(job.data.rebuildId, (error as Error).message).catch(() => undefined);
      throw error;
    }
  }

  /** The retired views go after the configured delay, if verify finds the live ones clean. */
  private async scheduleDrop(doc: RebuildDocument): Promise<void> {
    const pending = doc.targets.filter((t) => t.state === 'flipped' && t.previous !== null && !t.previousDropped && !t.previousKept);
    if (pending.length === 0) return;
    const flippedAt = Math.max(...pending.map((t) => new Date(t.flippedAt ?? 0).getTime()));
    const after = Math.max(this.config.RETIRED_VIEWS_DROP_AFTER_MS, this.config.retiredViewsGraceMs);
    const delay = Math.max(0, flippedAt + after - Date.now());
    const job = dropRetiredViewsJob(doc._id, false, delay);
    await this.queue.add(job.name, job.data, job.opts);
  }

  private async dropRetired(job: Job<DropRetiredViewsJobData>): Promise<unknown> {
    const doc = await this.runner().dropPrevious(job.data.rebuildId, job.data.byAdmin ? 'admin' : 'verified-clean');
    return { dropped: doc?.targets.filter((t) => t.previousDropped).map((t) => t.projection) ?? [] };
  }

  /**
   * Queues again what lost its job: a rebuild nobody reports on (its CLI was killed, Redis lost
   * the job) and the drop of retired views. Job ids are deterministic, so a job still there
   * is left as it is. Rebuilds are few: the scan is cheap.
   */
  private async recover(): Promise<void> {
    const now = Date.now();
    for (const doc of await this.rebuilds.find({}).toArray()) {
      if ((doc.state === 'queued' || doc.state === 'running') && now - new Date(doc.updatedAt).getTime() > ABANDONED_AFTER_MS) {
        const job = rebuildJob(doc._id);
        // A job BullMQ gave up on (stalled too often) never ran its last catch: the rebuild fails now.
        const failed = await this.queue.getJob(job.opts.jobId);
        if (failed && (await failed.isFailed())) await this.runner().fail(doc._id, failed.failedReason || 'its job failed');
        else await this.queue.add(job.name, job.data, job.opts);
      }
      if (FINISHED_REBUILD.includes(doc.state)) await this.scheduleDrop(doc);
    }
  }

  /** Rebuilds into scratch collections (dropped after), compares, and stores the report. Repeating it only redoes it. */
  private async verify(job: Job<VerifyJobData>): Promise<{ differences: number }> {
    const id = job.data.verificationId;
    const asked = await this.verifications.findOne({ _id: id });
    if (!asked || asked.state === 'done') return { differences: asked?.differenceCount ?? 0 };
    await this.verifications.updateOne({ _id: id }, { $set: { state: 'running', startedAt: new Date() } });
    try {
      const projections = liveProjections().filter((p) => asked.projections.includes(p.name));
      const report = await verifyViews(this.db, this.log, projections, await currentViewNames(this.db));
      await this.verifications.updateOne(
        { _id: id },
        {
          $set: {
            state: 'done',
            finishedAt: new Date(),
            checkedAt: report.checkedAt,
            documents: report.documents,
            movedOn: report.movedOn,
            differences: report.differences.slice(0, MAX_LISTED_DIFFERENCES),
            differenceCount: report.differences.length,
          },
        },
      );
      return { differences: report.differences.length };
    } catch (error) {
      await this.verifications.updateOne({ _id: id }, { $set: { state: 'failed', finishedAt: new Date(), error: (error as Error).message.slice(0, 500) } });
      throw error;
    }
  }
}
