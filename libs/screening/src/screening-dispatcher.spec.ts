import { isTransient, LogEntry, UNFENCED } from '@app/event-store';
import { ScreeningDispatcher } from './screening-dispatcher';

const entry = (position: number, streamId: string, version: number, events: { type: string; data: object }[]): LogEntry => ({
  position,
  commitId: `${streamId}:${version}`,
  streamId,
  version,
  events: events.map((e) => ({ ...e, schemaVersion: 1 })),
  recordedAt: new Date(0),
  sequencedAt: new Date(0),
  metadata: { actor: { kind: 'reader', id: 'c1', name: '' }, correlationId: 'c', causationId: null },
});

const kept: unknown[] = [];
const backlog = { add: async (items: unknown[]) => void kept.push(...items) };

describe('ScreeningDispatcher', () => {
  it('turns each submitted or edited version into one job with a deterministic id, and nothing else', async () => {
    const added: { name: string; data: unknown; opts: { jobId: string } }[][] = [];
    const dispatcher = new ScreeningDispatcher({ addBulk: async (jobs) => (added.push(jobs as never), []) }, backlog);
    await dispatcher.handle(
      [
        entry(1, 'reply-r1', 1, [{ type: 'reply.submitted', data: { replyId: 'r1', articleId: 'a1', status: 'checking' } }]),
        entry(2, 'reply-r2', 1, [{ type: 'reply.submitted', data: { replyId: 'r2', articleId: 'a1', status: 'pending' } }]),
        entry(3, 'reply-r0', 1, [{ type: 'reply.submitted', data: { replyId: 'r0', articleId: 'a1', status: 'published' } }]),
        entry(4, 'reply-r1', 2, [{ type: 'reply.screened', data: { replyId: 'r1', articleId: 'a1' } }]),
        entry(5, 'reply-r1', 3, [{ type: 'reply.edited', data: { replyId: 'r1', articleId: 'a1' } }]),
      ],
      UNFENCED,
    );
    expect(added).toHaveLength(1);
    expect(added[0].map((j) => [j.opts.jobId, j.data])).toEqual([
      ['screen-r1-v1', { replyId: 'r1', articleId: 'a1', version: 1, commitId: 'reply-r1:1' }],
      ['screen-r2-v1', { replyId: 'r2', articleId: 'a1', version: 1, commitId: 'reply-r2:1' }],
      ['screen-r1-v3', { replyId: 'r1', articleId: 'a1', version: 3, commitId: 'reply-r1:3' }],
    ]);
    expect(added[0].every((j) => !j.opts.jobId.includes(':'))).toBe(true);
    // Kept in the store before Redis is asked, for the sweeper.
    expect(kept).toEqual(added[0].map((j) => j.data));
  });

  it('a queue that cannot take the jobs fails the batch as transient: retried from the checkpoint, never parked', async () => {
    const dispatcher = new ScreeningDispatcher({ addBulk: async () => Promise.reject(new Error("Stream isn't writeable")) }, backlog);
    const batch = [entry(1, 'reply-r1', 1, [{ type: 'reply.submitted', data: { replyId: 'r1', articleId: 'a1', status: 'checking' } }])];
    const failure = await dispatcher.handle(batch, UNFENCED).catch((e) => e);
    expect(failure.name).toBe('QueueUnavailableError');
    expect(isTransient(failure)).toBe(true);
    expect(kept).toContainEqual({ replyId: 'r1', articleId: 'a1', version: 1, commitId: 'reply-r1:1' });
  });
});
