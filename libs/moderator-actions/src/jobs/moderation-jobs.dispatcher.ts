import { BatchEvent, CommenterEvent } from '@app/domain';
import { LogEntry, LogHandler, WriteGuard } from '@app/event-store';
import { Queue } from 'bullmq';
import { ModerationBacklog, ModerationBacklogDocument } from './moderation-backlog';
import { addJobsWithin } from '@app/platform';
import { MODERATION_JOB_OPTIONS, MODERATION_QUEUE, ModerationJob, moderationJobId } from './moderation-jobs';

/** The dispatcher's consumer name: its checkpoint says how far moderation jobs were queued. */
export const MODERATION_JOBS_DISPATCHER = 'moderation-jobs@1';

/**
 * Turns bulk requests, undo requests and suspensions into jobs on the `moderation` queue, from
 * the log and its checkpoint: what the jobs do is always re-derivable from events, a Redis
 * outage only delays it, and a duplicate dispatch is the same job id. Never rebuilt, only resumed.
 */
export class ModerationJobsDispatcher implements LogHandler {
  readonly kind = 'side-effect';
  readonly name = MODERATION_JOBS_DISPATCHER;

  constructor(
    private readonly queue: Pick<Queue, 'addBulk'>,
    private readonly backlog: Pick<ModerationBacklog, 'add'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  partitionOf(entry: LogEntry): string {
    return entry.streamId;
  }

  async handle(entries: LogEntry[], _guard: WriteGuard): Promise<void> {
    const now = this.clock();
    const items: ModerationBacklogDocument[] = [];
    for (const entry of entries) {
      for (const event of entry.events as (BatchEvent | CommenterEvent)[]) {
        if (event.type === 'batch.requested' || event.type === 'batch.undo-requested') {
          const name = event.type === 'batch.requested' ? ModerationJob.RunBatch : ModerationJob.UndoBatch;
          const data = { batchId: event.data.batchId, position: entry.position };
          items.push({ _id: moderationJobId(name, data), name, data, dueAt: now });
        } else if (event.type === 'commenter.standing-changed' && event.data.until !== null) {
          const data = { commenterId: event.data.commenterId, until: event.data.until };
          items.push({ _id: moderationJobId(ModerationJob.EndSuspension, data), name: ModerationJob.EndSuspension, data, dueAt: new Date(event.data.until) });
        } else if (event.type === 'commenter.standing-changed' && event.data.rejectAllBatchId !== null) {
          // The ban names its batch: the job requests it if the API stopped between the two.
          const data = { batchId: event.data.rejectAllBatchId, position: entry.position, rejectAllOf: { commenterId: event.data.commenterId, reason: event.data.reason } };
          items.push({ _id: moderationJobId(ModerationJob.RunBatch, data), name: ModerationJob.RunBatch, data, dueAt: now });
        }
      }
    }
    if (items.length === 0) return;
    // In the store first: whatever becomes of the jobs in Redis, the sweeper finds these.
    await this.backlog.add(items);
    await addJobsWithin(
      this.queue,
      MODERATION_QUEUE,
      items.map((i) => ({ name: i.name, data: i.data, opts: { jobId: i._id, delay: Math.max(0, i.dueAt.getTime() - now.getTime()), ...MODERATION_JOB_OPTIONS } })),
    );
  }
}
