import { ReplyEvent } from '@app/domain';
import { LogEntry, LogHandler, WriteGuard } from '@app/event-store';
import { Queue } from 'bullmq';
import { ScreeningBacklog } from './screening-backlog';
import { addJobsWithin } from '@app/platform';
import { SCREENING_ATTEMPTS, SCREENING_JOB_OPTIONS, ScreeningJob, screenJobId, ScreenReplyData, SPAM_QUEUE } from './screening-jobs';

export { QueueUnavailableError } from '@app/platform';

/** The dispatcher's consumer name: its checkpoint says how far screening jobs were queued. */
export const SCREENING_DISPATCHER = 'screening-dispatcher@1';

/**
 * Turns every submitted or edited reply version into a job on the `spam` queue, from the
 * log and its checkpoint: a Redis outage only delays screening, and a duplicate dispatch is
 * the same job id. It has side effects: never rebuilt, only resumed.
 */
export class ScreeningDispatcher implements LogHandler {
  readonly kind = 'side-effect';
  readonly name = SCREENING_DISPATCHER;

  constructor(
    private readonly queue: Pick<Queue, 'addBulk'>,
    private readonly backlog: Pick<ScreeningBacklog, 'add'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  partitionOf(entry: LogEntry): string {
    const data = entry.events[0]?.data as { articleId?: unknown } | undefined;
    return typeof data?.articleId === 'string' ? data.articleId : entry.streamId;
  }

  async handle(entries: LogEntry[], _guard: WriteGuard): Promise<void> {
    const jobs: { name: string; data: ScreenReplyData; opts: object }[] = [];
    for (const entry of entries) {
      (entry.events as ReplyEvent[]).forEach((event, i) => {
        if (event.type !== 'reply.submitted' && event.type !== 'reply.edited') return;
        // Stores from before screening hold published submissions: nothing to decide there.
        if (event.type === 'reply.submitted' && event.data.status === 'published') return;
        const version = entry.version + i;
        const data = { replyId: event.data.replyId, articleId: event.data.articleId, version, commitId: entry.commitId };
        jobs.push({
          name: ScreeningJob.ScreenReply,
          data,
          opts: { jobId: screenJobId(data.replyId, version), attempts: SCREENING_ATTEMPTS, ...SCREENING_JOB_OPTIONS },
        });
      });
    }
    if (jobs.length === 0) return;
    // In the store first: whatever becomes of the jobs in Redis, the sweeper finds these.
    await this.backlog.add(jobs.map((j) => j.data), this.clock());
    await addJobsWithin(this.queue, SPAM_QUEUE, jobs);
  }
}
