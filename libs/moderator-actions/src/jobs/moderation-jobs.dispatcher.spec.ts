import { isTransient } from '@app/event-store';
import { ModerationJob } from './moderation-jobs';
import { QueueUnavailableError } from '@app/platform';
import { ModerationJobsDispatcher } from './moderation-jobs.dispatcher';

const entry = (streamId: string, position: number, event: unknown) => ({ streamId, position, version: 1, commitId: `${streamId}:1`, events: [event], metadata: {} }) as never;
const requested = (batchId: string) => ({ type: 'batch.requested', schemaVersion: 1, data: { batchId, action: 'reject', reason: null, selection: { replyIds: ['r'] }, requestedAt: 'T' } });

describe('ModerationJobsDispatcher', () => {
  it('a Redis outage is retried from the checkpoint like any queue outage, never parked', async () => {
    expect(isTransient(new QueueUnavailableError('moderation', new Error('down')))).toBe(true);
    const backlog = { add: jest.fn(async () => undefined) };
    const dispatcher = new ModerationJobsDispatcher({ addBulk: () => Promise.reject(new Error('ECONNREFUSED')) }, backlog);
    const failure = await dispatcher.handle([entry('batch-b1', 7, requested('b1'))], null as never).catch((e) => e);
    expect(isTransient(failure)).toBe(true);
    // In the store before Redis was asked: the sweeper finds it whatever Redis did.
    expect(backlog.add).toHaveBeenCalledWith([expect.objectContaining({ _id: `${ModerationJob.RunBatch}-b1`, name: ModerationJob.RunBatch, data: { batchId: 'b1', position: 7 } })]);
  });

  it('a suspension becomes a job delayed to its end, with an id a replay gives again', async () => {
    const added: { name: string; opts: { jobId: string; delay: number } }[][] = [];
    const now = new Date('2026-03-01T12:00:00.000Z');
    const dispatcher = new ModerationJobsDispatcher({ addBulk: async (jobs) => void added.push(jobs as never) as never }, { add: async () => undefined }, () => now);
    const suspended = { type: 'commenter.standing-changed', schemaVersion: 1, data: { commenterId: 'c1', standing: 'suspended', previousStanding: 'normal', until: '2026-03-01T12:30:00.000Z', reason: null, rejectAllBatchId: null, changedAt: 'T' } };
    await dispatcher.handle([entry('commenter-c1', 3, suspended)], null as never);
    await dispatcher.handle([entry('commenter-c1', 3, suspended)], null as never);
    expect(added[0][0]).toMatchObject({ name: ModerationJob.EndSuspension, opts: { delay: 30 * 60_000 } });
    expect(added[1][0].opts.jobId).toBe(added[0][0].opts.jobId);
    expect(added[0][0].opts.jobId).not.toContain(':');
  });
});
