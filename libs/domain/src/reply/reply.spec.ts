import { Article } from '../article/article';
import { DEFAULT_REPLY_SETTINGS, ReplySettings } from '../article/article.events';
import { Actor } from '../shared/domain-event';
import { ForbiddenError, InvalidCommandError, RuleViolationError } from '../shared/domain-errors';
import { Reply } from './reply';
import { ReplyEvent } from './reply.events';

const t0 = new Date('2026-03-01T12:00:00.000Z');
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);
const alice: Actor = { kind: 'reader', id: 'alice', name: 'Alice' };
const bob: Actor = { kind: 'reader', id: 'bob', name: 'Bob' };

function articleWith(settings: Partial<ReplySettings> = {}, id = 'a1'): Article {
  return new Article().rehydrate([
    { type: 'article.published', schemaVersion: 1, data: { articleId: id, title: 'T', author: 'W', category: 'News', body: [], publishedAt: t0.toISOString(), settings: { ...DEFAULT_REPLY_SETTINGS, ...settings } } },
  ]);
}

const submitted = (over: Partial<Extract<ReplyEvent, { type: 'reply.submitted' }>['data']> = {}): ReplyEvent => ({
  type: 'reply.submitted',
  schemaVersion: 1,
  data: { replyId: 'r1', articleId: 'a1', parentId: null, rootId: 'r1', depth: 1, author: { kind: 'reader', id: 'alice', name: 'Alice' }, body: 'hello', submittedAt: t0.toISOString(), status: 'published', ...over },
});
const given = (...events: ReplyEvent[]) => new Reply().rehydrate(events);

describe('Reply.submit', () => {
  it('publishes on a post-moderated article, trimmed', () => {
    const reply = Reply.submit({ replyId: 'r1', article: articleWith(), author: alice, body: '  hello  ' }, t0);
    expect(reply.pullEvents()).toEqual([submitted()]);
  });

  it('holds the reply on a pre-moderated article', () => {
    const reply = Reply.submit({ replyId: 'r1', article: articleWith({ moderation: 'pre' }), author: alice, body: 'hello' }, t0);
    expect(reply.pullEvents()[0].data).toMatchObject({ status: 'pending' });
  });

  it('threads a reply to a reply under the same root, one level deeper', () => {
    const parent = given(submitted({ replyId: 'p1', rootId: 'root', depth: 2, parentId: 'root' }));
    const reply = Reply.submit({ replyId: 'r2', article: articleWith(), parent, author: bob, body: 'answer' }, t0);
    expect(reply.pullEvents()[0].data).toMatchObject({ parentId: 'p1', rootId: 'root', depth: 3 });
  });

  it('refuses a parent in another article, a depth past the maximum, empty and overlong text', () => {
    const parent = given(submitted({ articleId: 'other' }));
    expect(() => Reply.submit({ replyId: 'r2', article: articleWith(), parent, author: bob, body: 'x' }, t0)).toThrow(InvalidCommandError);
    const deep = given(submitted({ depth: 2 }));
    expect(() => Reply.submit({ replyId: 'r2', article: articleWith({ maxDepth: 2 }), parent: deep, author: bob, body: 'x' }, t0)).toThrow(RuleViolationError);
    expect(() => Reply.submit({ replyId: 'r2', article: articleWith(), author: bob, body: '   ' }, t0)).toThrow(/needs some text/);
    expect(() => Reply.submit({ replyId: 'r2', article: articleWith(), author: bob, body: 'é'.repeat(5001) }, t0)).toThrow(/at most 5000/);
  });

  it('refuses guests where the article wants signed-in readers', () => {
    const guest: Actor = { kind: 'guest', id: 'h', name: 'G' };
    expect(() => Reply.submit({ replyId: 'r2', article: articleWith({ guestsAllowed: false }), author: guest, body: 'x' }, t0)).toThrow(/guests/);
  });
});

describe('Reply.edit and retract', () => {
  it('lets the author edit inside the window, recording the text it replaced', () => {
    const reply = given(submitted());
    reply.edit(alice, 'hello again', minutes(5), articleWith());
    expect(reply.pullEvents()).toEqual([
      { type: 'reply.edited', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', body: 'hello again', previousBody: 'hello', editedAt: minutes(5).toISOString() } },
    ]);
  });

  it('refuses another commenter, and a guest with the same id as a reader', () => {
    expect(() => given(submitted()).edit(bob, 'x', minutes(1), articleWith())).toThrow(ForbiddenError);
    expect(() => given(submitted()).edit({ kind: 'guest', id: 'alice', name: 'A' }, 'x', minutes(1), articleWith())).toThrow(ForbiddenError);
  });

  it('refuses an edit or a retraction once the window is over', () => {
    const article = articleWith({ editWindowMinutes: 10 });
    expect(() => given(submitted()).edit(alice, 'x', minutes(11), article)).toThrow(/window/);
    expect(() => given(submitted()).retract(alice, minutes(11), article)).toThrow(RuleViolationError);
  });

  it('retracts with the status it replaced, and then refuses edits', () => {
    const reply = given(submitted());
    reply.retract(alice, minutes(1), articleWith());
    expect(reply.pullEvents()[0]).toMatchObject({ type: 'reply.retracted', data: { previousStatus: 'published' } });
    expect(() => reply.edit(alice, 'x', minutes(2), articleWith())).toThrow(/retracted/);
  });

  it('an unchanged text records nothing', () => {
    const reply = given(submitted());
    reply.edit(alice, ' hello ', minutes(1), articleWith());
    expect(reply.pullEvents()).toEqual([]);
  });
});

describe('Reply.erase', () => {
  const erased = (previousStatus: 'published' | 'pending' | 'retracted' = 'published'): ReplyEvent => ({
    type: 'reply.erased',
    schemaVersion: 1,
    data: { replyId: 'r1', articleId: 'a1', commenterId: 'alice', erasedAt: minutes(60).toISOString(), previousStatus },
  });

  it('records the erasure once, with the status it replaced', () => {
    const reply = given(submitted());
    reply.erase('alice', minutes(60));
    reply.erase('alice', minutes(61));
    expect(reply.pullEvents()).toEqual([erased()]);
    expect(reply).toMatchObject({ status: 'removed', body: '', author: { id: 'alice', name: '[removed]' } });
  });

  it('erases a retracted reply too, and nothing for another commenter', () => {
    const retracted: ReplyEvent = { type: 'reply.retracted', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', retractedAt: t0.toISOString(), previousStatus: 'published' } };
    const reply = given(submitted(), retracted);
    expect(() => reply.erase('bob', minutes(1))).toThrow(ForbiddenError);
    reply.erase('alice', minutes(60));
    expect(reply.pullEvents()).toEqual([erased('retracted')]);
  });

  it('refuses edits and retraction of a removed reply, and replies to it', () => {
    const reply = given(submitted(), erased());
    expect(() => reply.edit(alice, 'back', minutes(1), articleWith())).toThrow(RuleViolationError);
    expect(() => reply.retract(alice, minutes(1), articleWith())).toThrow(RuleViolationError);
    expect(() => Reply.submit({ replyId: 'r2', article: articleWith(), parent: reply, author: bob, body: 'hi' }, minutes(1))).toThrow(/removed/);
  });
});
