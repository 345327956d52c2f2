import { Article, DEFAULT_REPLY_SETTINGS, ReactionEvent, Reply } from '@app/domain';
import { StreamConflictError } from '@app/event-store';
import { ConflictException } from '@nestjs/common';
import { ReactToReplyCommand } from './react-to-reply.command';
import { ReactToReplyHandler } from './react-to-reply.handler';

const t0 = new Date('2026-03-01T12:00:00.000Z');
const article = new Article().rehydrate([{ type: 'article.published', schemaVersion: 1, data: { articleId: 'a1', title: 'T', author: 'W', category: 'N', body: [], publishedAt: t0.toISOString(), settings: DEFAULT_REPLY_SETTINGS } }]);
const submitted = Reply.submit({ replyId: 'r1', article, author: { kind: 'reader', id: 'alice', name: 'Alice' }, body: 'hello' }, t0).pullEvents();
const screened = { type: 'reply.screened' as const, schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', scoredVersion: 1, decision: 'publish' as const, score: 0, reasons: [], features: {}, policyVersion: 0, modelVersion: null, status: 'published' as const, previousStatus: 'checking' as const, screenedAt: t0.toISOString() } };
const reply = new Reply().rehydrate([...submitted, screened]);
const bob = { kind: 'reader' as const, id: 'sub-bob', name: 'Bob' };
const liked: ReactionEvent = { type: 'reply.reacted', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', commenterId: 'c-bob', type: 'like', at: 'x' } };

/** A store whose reader stream is `streams[n]` on the n-th load and whose appends fail as `conflicts` says. */
function handlerWith(streams: ReactionEvent[][], conflicts: boolean[]) {
  const loads: number[] = [];
  const appended: ReactionEvent[][] = [];
  const dependencies: (string[] | undefined)[] = [];
  const store = {
    load: async (streamId: string) => {
      expect(streamId).toBe('reaction-r1-c-bob');
      const events = streams[Math.min(loads.length, streams.length - 1)];
      loads.push(events.length);
      return { streamId, version: events.length, events: events.map((event, i) => ({ event, version: i + 1 })) };
    },
    append: async (_stream: unknown, events: ReactionEvent[], _metadata: unknown, options?: { dependsOn?: string[] }) => {
      dependencies.push(options?.dependsOn);
      if (conflicts[appended.length]) {
        appended.push([]);
        throw new StreamConflictError('reaction-r1-c-bob', 0);
      }
      appended.push(events);
    },
  };
  // The reply's stream as the handler loads it: its head is the screening verdict.
  const aggregates = { reply: async () => ({ reply, stream: { streamId: 'reply-r1', version: 2, head: 'reply-r1:2' } }), store };
  const commenters = { enrol: async () => 'c-bob' };
  const handler = new ReactToReplyHandler(aggregates as never, commenters as never, () => t0);
  return { handler, loads, appended, dependencies };
}

describe('ReactToReplyHandler', () => {
  it('records a reaction in the reader\'s stream', async () => {
    const { handler, appended, dependencies } = handlerWith([[]], []);
    expect(await handler.execute(new ReactToReplyCommand('r1', bob, 'like', true))).toEqual({ replyId: 'r1', type: 'like', reacted: true, recorded: true });
    expect(appended).toEqual([[{ ...liked, data: { ...liked.data, at: t0.toISOString(), first: true } }]]);
    // After the reply as the reader saw it, in the log.
    expect(dependencies).toEqual([['reply-r1:2']]);
  });

  it('on a conflict reloads once and finds the racing request did it: nothing more recorded', async () => {
    const { handler, loads, appended } = handlerWith([[], [liked]], [true]);
    expect(await handler.execute(new ReactToReplyCommand('r1', bob, 'like', true))).toEqual({ replyId: 'r1', type: 'like', reacted: true, recorded: false });
    expect(loads).toEqual([0, 1]);
    expect(appended).toHaveLength(1);
  });

  it('a second conflict answers 409', async () => {
    const { handler } = handlerWith([[]], [true, true]);
    await expect(handler.execute(new ReactToReplyCommand('r1', bob, 'like', true))).rejects.toThrow(ConflictException);
  });

  it('taking back one not there records nothing', async () => {
    const { handler, appended } = handlerWith([[]], []);
    expect(await handler.execute(new ReactToReplyCommand('r1', bob, 'funny', false))).toMatchObject({ recorded: false });
    expect(appended).toEqual([]);
  });
});
