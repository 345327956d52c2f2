import { AppConfig, Aggregates, Clock, CLOCK, Periodic } from '@app/platform';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { ScreeningBacklog } from './screening-backlog';
import { SCREENING_ATTEMPTS, SCREENING_JOB_OPTIONS, ScreeningJob, screenJobId, SPAM_QUEUE } from './screening-jobs';
import { staleness } from './spam.processor';

/**
 * Queues again every reply version that waited longer than SCREENING_RETRY_AFTER_MS for its
 * verdict, whatever lost its job, and drops the ones decided meanwhile. Every worker sweeps:
 * two sweeps in one period queue the same job id.
 */
@Injectable()
export class ScreeningSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('screening');
  private readonly periodic = new Periodic(() => this.sweep(), this.logger);

  constructor(
    private readonly backlog: ScreeningBacklog,
    private readonly aggregates: Aggregates,
    @InjectQueue(SPAM_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.on('error', () => undefined);
    this.periodic.start(Math.max(500, Math.min(15_000, this.config.SCREENING_RETRY_AFTER_MS / 2)));
  }

  onApplicationShutdown(): Promise<void> {
    return this.periodic.stop();
  }

  /** One pass; returns how many versions were queued again. */
  async sweep(): Promise<number> {
    const now = this.clock();
    const retryAfter = this.config.SCREENING_RETRY_AFTER_MS;
    const round = Math.floor(now.getTime() / retryAfter);
    let queued = 0;
    for (const item of await this.backlog.due(new Date(now.getTime() - retryAfter))) {
      const { reply } = await this.aggregates.reply(item.replyId);
      if (staleness(reply, item.version)) {
        await this.backlog.done(item.replyId, item.version);
        continue;
      }
      const { _id, dispatchedAt: _at, ...data } = item;
      await this.queue.add(ScreeningJob.ScreenReply, data, { jobId: screenJobId(item.replyId, item.version, round), attempts: SCREENING_ATTEMPTS, ...SCREENING_JOB_OPTIONS });
      await this.backlog.redispatched(_id, now);
      queued += 1;
    }
    if (queued > 0) this.logger.warn(`${queued} reply versions waited too long for a verdict and were queued again`);
    return queued;
  }
}
