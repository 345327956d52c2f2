import { AppConfig, Clock, CLOCK, Periodic } from '@app/platform';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { MAX_SWEEPS, MODERATION_BACKLOG, ModerationBacklog } from './moderation-backlog';
import { MODERATION_JOB_OPTIONS, MODERATION_QUEUE, moderationJobId } from './moderation-jobs';

/**
 * Queues again every batch, undo or suspension end still waiting MODERATION_RETRY_AFTER_MS after
 * it was due, whatever lost its job; the job itself finds what is already done. Every worker
 * sweeps: two sweeps in one period queue the same job id.
 */
@Injectable()
export class ModerationSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('moderation-jobs');
  private readonly periodic = new Periodic(() => this.sweep(), this.logger);

  constructor(
    private readonly backlog: ModerationBacklog,
    @InjectQueue(MODERATION_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.on('error', () => undefined);
    this.periodic.start(Math.max(500, Math.min(15_000, this.config.MODERATION_RETRY_AFTER_MS / 2)));
  }

  onApplicationShutdown(): Promise<void> {
    return this.periodic.stop();
  }

  /** One pass; returns how many jobs were queued again. */
  async sweep(): Promise<number> {
    const now = this.clock();
    const retryAfter = this.config.MODERATION_RETRY_AFTER_MS;
    const round = Math.floor(now.getTime() / retryAfter);
    const due = await this.backlog.due(new Date(now.getTime() - retryAfter));
    for (const item of due) {
      await this.queue.add(item.name, item.data, { jobId: moderationJobId(item.name, item.data, round), ...MODERATION_JOB_OPTIONS });
      await this.backlog.swept(item, now);
      if ((item.sweeps ?? 0) + 1 >= MAX_SWEEPS) this.logger.error(`${item.name} ${item._id} was queued ${MAX_SWEEPS} times without finishing; left in ${MODERATION_BACKLOG} for a human`);
    }
    if (due.length > 0) this.logger.warn(`${due.length} moderation jobs waited too long and were queued again`);
    return due.length;
  }
}
