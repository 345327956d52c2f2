import { Article } from '../article/article';
import { DEFAULT_REPLY_SETTINGS } from '../article/article.events';
import { Reply } from '../reply/reply';
import { RuleViolationError } from '../shared/domain-errors';
import { Flag } from './flag';

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

const policy = { version: 4, flagThreshold: 2, hideAtThreshold: true };

describe('Flag', () => {
  it('records one flag of a published reply, with the reason and the note', () => {
    const flag = new Flag();
    flag.raise(reply('published'), reader, 'abuse', '  name-calling  ', t0, policy);
    expect(flag.pullEvents()).toEqual([{ type: 'reply.flagged', schemaVersion: 2, data: { replyId: 'r1', articleId: 'a1', commenterId: 'bob', reason: 'abuse', note: 'name-calling', flaggedAt: t0.toISOString(), policy: { version: 4, flagThreshold: 2, hideAtThreshold: true } } }]);
  });

  it('refuses a second flag, a reply not public, one\'s own reply and a bad note', () => {
    const flagged = new Flag().rehydrate([{ type: 'reply.flagged', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', commenterId: 'bob', reason: 'spam', note: null, flaggedAt: 'x', policy: { version: null, flagThreshold: 3, hideAtThreshold: false } } }]);
    expect(() => flagged.raise(reply('published'), reader, 'spam', null, t0, policy)).toThrow(/already/);
    expect(() => new Flag().raise(reply('checking'), reader, 'spam', null, t0, policy)).toThrow(RuleViolationError);
    expect(() => new Flag().raise(reply('published'), author, 'spam', null, t0, policy)).toThrow(/own/);
    expect(() => new Flag().raise(reply('published'), reader, 'other', '\u200b', t0, policy)).toThrow(/note/);
  });
});
