import { LOG_READER, LogReader } from '@app/event-store';
import { ADMIN_QUEUE, AdminJob, MAX_LISTED_DIFFERENCES, MONGO_DB, VerificationDocument, VERIFICATIONS } from '@app/platform';
import { liveProjections, liveViewNames, verifyViews } from '@app/read-models';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import type { mongo } from 'mongoose';

export interface VerifyJobData {
  verificationId: string;
}

/** Admin work on the views: verification now, rebuilds to come. One at a time: it reads whole collections. */
@Processor(ADMIN_QUEUE, { concurrency: 1 })
export class AdminJobsProcessor extends WorkerHost implements OnApplicationBootstrap {
  readonly handlers: Record<AdminJob, (job: Job<VerifyJobData>) => Promise<unknown>> = {
    [AdminJob.Verify]: (job) => this.verify(job),
  };

  constructor(
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    @Inject(LOG_READER) private readonly log: LogReader,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const missing = Object.values(AdminJob).filter((name) => typeof this.handlers[name] !== 'function');
    if (missing.length) throw new Error(`no handler for admin jobs: ${missing.join(', ')}`);
  }

  process(job: Job<VerifyJobData>): Promise<unknown> {
    const handler = this.handlers[job.name as AdminJob];
    if (!handler) throw new Error(`unknown admin job ${job.name}`);
    return handler(job);
  }

  @OnWorkerEvent('error')
  onError(): void {}

  private get verifications() {
    return this.db.collection<VerificationDocument>(VERIFICATIONS);
  }

  /** Rebuilds into scratch collections (dropped after), compares, and stores the report. Repeating it only redoes it. */
  private async verify(job: Job<VerifyJobData>): Promise<{ differences: number }> {
    const id = job.data.verificationId;
    const asked = await this.verifications.findOne({ _id: id });
    if (!asked || asked.state === 'done') return { differences: asked?.differenceCount ?? 0 };
    await this.verifications.updateOne({ _id: id }, { $set: { state: 'running', startedAt: new Date() } });
    try {
      const projections = liveProjections().filter((p) => asked.projections.includes(p.name));
      const report = await verifyViews(this.db, this.log, projections, liveViewNames());
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
