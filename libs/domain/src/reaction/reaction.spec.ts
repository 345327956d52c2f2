import { Article } from '../article/article';
import { DEFAULT_REPLY_SETTINGS } from '../article/article.events';
import { Reply } from '../reply/reply';
import { RuleViolationError } from '../shared/domain-errors';
import { Reaction } from './reaction';
import { ReactionEvent } from './reaction.events';

const t0 = new Date('2026-03-01T12:00:00.000Z');
const article = new Article().rehydrate([{ type: 'article.published', schemaVersion: 1, data: { articleId: 'a1', title: 'T', author: 'W', category: 'N', body: [], publishedAt: t0.toISOString(), settings: DEFAULT_REPLY_SETTINGS } }]);
const author = { kind: 'reader' as const, id: 'alice', name: 'Alice' };
const reader = { kind: 'reader' as const, id: 'bob', name: '' };

function reply(status: 'checking' | 'published'): Reply {
  const r = Reply.submit({ replyId: 'r1', article, author, body: 'hello' }, t0);
  const events = r.pullEvents();
  const screened = { type: 'reply.screened' as const, schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', scoredVersion: 1, decision: 'publish' as const, score: 0, reasons: [], features: {}, policyVersion: 0, modelVersion: null, status: 'published' as const, previousStatus: 'checking' as const, screenedAt: t0.toISOString() } };
  return new Reply().rehydrate(status === 'published' ? [...events, screened] : events);
}

const reacted = (type: 'like' | 'funny'): ReactionEvent => ({ type: 'reply.reacted', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', commenterId: 'bob', type, at: 'x' } });
const unreacted = (type: 'like' | 'funny'): ReactionEvent => ({ type: 'reply.unreacted', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', commenterId: 'bob', type, at: 'y' } });

describe('Reaction', () => {
  it('streams per reply and reader', () => {
    expect(Reaction.streamId('r1', 'bob')).toBe('reaction-r1-bob');
  });

  it('records a reaction to a published reply, once per type', () => {
    const reaction = new Reaction();
    expect(reaction.react(reply('published'), reader, 'like', t0)).toBe(true);
    expect(reaction.react(reply('published'), reader, 'like', t0)).toBe(false);
    expect(reaction.react(reply('published'), reader, 'funny', t0)).toBe(true);
    expect(reaction.pullEvents()).toEqual([
      { type: 'reply.reacted', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', commenterId: 'bob', type: 'like', at: t0.toISOString(), first: true } },
      { type: 'reply.reacted', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', commenterId: 'bob', type: 'funny', at: t0.toISOString() } },
    ]);
  });

  it('marks only the stream\'s first reaction as first, also after a filled version and after a snapshot', () => {
    const abandoned = { type: 'append.abandoned', schemaVersion: 1, data: {} } as never;
    const afterFiller = new Reaction().rehydrate([abandoned]);
    afterFiller.react(reply('published'), reader, 'like', t0);
    expect(afterFiller.pullEvents()[0].data).toMatchObject({ first: true });
    const taken = new Reaction().rehydrate([reacted('like'), { ...reacted('like'), type: 'reply.unreacted' } as never]);
    taken.react(reply('published'), reader, 'like', t0);
    expect(taken.pullEvents()[0].data).not.toHaveProperty('first');
    const restored = new Reaction().restore(JSON.parse(JSON.stringify(new Reaction().rehydrate([reacted('like')]).snapshot())));
    restored.react(reply('published'), reader, 'funny', t0);
    expect(restored.pullEvents()[0].data).not.toHaveProperty('first');
  });

  it('takes back only a reaction that is there, and allows it again after', () => {
    const reaction = new Reaction().rehydrate([reacted('like')]);
    expect(reaction.unreact(reply('published'), reader, 'funny', t0)).toBe(false);
    expect(reaction.unreact(reply('published'), reader, 'like', t0)).toBe(true);
    expect(reaction.unreact(reply('published'), reader, 'like', t0)).toBe(false);
    expect(reaction.pullEvents().map((e) => e.type)).toEqual(['reply.unreacted']);
    expect(new Reaction().rehydrate([reacted('like'), unreacted('like')]).react(reply('published'), reader, 'like', t0)).toBe(true);
  });

  it('refuses a reply not public, one\'s own reply and an unknown type', () => {
    expect(() => new Reaction().react(reply('checking'), reader, 'like', t0)).toThrow(RuleViolationError);
    expect(() => new Reaction().react(reply('published'), author, 'like', t0)).toThrow(/own/);
    expect(() => new Reaction().react(reply('published'), reader, 'angry' as never, t0)).toThrow(/one of/);
  });

  it('lets a reaction be taken back from a reply held since', () => {
    expect(new Reaction().rehydrate([reacted('like')]).unreact(reply('checking'), reader, 'like', t0)).toBe(true);
  });

  it('snapshots and restores its types', () => {
    const snap = new Reaction().rehydrate([reacted('like'), reacted('funny'), unreacted('like')]).snapshot();
    const restored = new Reaction().restore(snap);
    expect([...restored.types]).toEqual(['funny']);
    expect(restored.version).toBe(3);
  });
});
