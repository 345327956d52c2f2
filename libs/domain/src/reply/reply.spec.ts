import { Article } from '../article/article';
import { DEFAULT_REPLY_SETTINGS, ReplySettings } from '../article/article.events';
import { Actor } from '../shared/domain-event';
import { ForbiddenError, InvalidCommandError, RuleViolationError } from '../shared/domain-errors';
import { ChangedSinceBatchError, OutdatedVerdictError, Reply, Verdict } from './reply';
import { ReplyEvent, VerdictDecision } from './reply.events';

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
  it('is checking until its first verdict on a post-moderated article, trimmed', () => {
    const reply = Reply.submit({ replyId: 'r1', article: articleWith(), author: alice, body: '  hello  ' }, t0);
    expect(reply.pullEvents()).toEqual([submitted({ status: 'checking' })]);
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

describe('the moderation state machine (docs/moderation-states.md)', () => {
  const verdict = (decision: VerdictDecision, scoredVersion = 1): Verdict => ({ scoredVersion, decision, score: 0.5, reasons: [{ code: 'c', detail: 'd' }], features: { links: 0 }, policyVersion: 3, modelVersion: null });
  const checking = () => given(submitted({ status: 'checking' }));
  const statusAfter = (reply: Reply) => (reply.pullEvents(), reply.status);

  it.each([
    ['publish', 'published'],
    ['hold', 'pending'],
    ['reject', 'rejected'],
    ['spam', 'spam'],
  ] as const)('a checking reply with a %s verdict becomes %s, the verdict recorded whole', (decision, status) => {
    const reply = checking();
    reply.screen(verdict(decision), minutes(1));
    const [event] = reply.pullEvents();
    expect(event).toMatchObject({ type: 'reply.screened', data: { scoredVersion: 1, decision, status, previousStatus: 'checking', policyVersion: 3, features: { links: 0 } } });
  });

  it('a pre-moderated reply stays pending whatever the score, unless it is refused', () => {
    for (const [decision, status] of [['publish', 'pending'], ['hold', 'pending'], ['reject', 'rejected'], ['spam', 'spam']] as const) {
      const reply = given(submitted({ status: 'pending' }));
      reply.screen(verdict(decision), minutes(1));
      expect([decision, statusAfter(reply)]).toEqual([decision, status]);
    }
  });

  it('refuses a verdict for an outdated version; the newer version gets its own', () => {
    const reply = checking();
    reply.edit(alice, 'changed', minutes(1), articleWith());
    expect(() => reply.screen(verdict('publish', 1), minutes(2))).toThrow(OutdatedVerdictError);
    reply.screen(verdict('publish', 2), minutes(2));
    expect(reply.status).toBe('published');
  });

  it('records a second verdict on the same version as nothing', () => {
    const reply = checking();
    reply.screen(verdict('publish'), minutes(1));
    reply.screen(verdict('spam'), minutes(1));
    expect(reply.pullEvents().map((e) => e.type)).toEqual(['reply.screened']);
  });

  it('no verdict overrides a moderator: refused on the version they saw, never raising a later edit', () => {
    const reply = checking();
    reply.moderate('reject', 'off topic', minutes(1));
    expect(() => reply.screen(verdict('publish', 1), minutes(2))).toThrow(OutdatedVerdictError);
    reply.edit(alice, 'now on topic', minutes(3), articleWith());
    reply.screen(verdict('publish', 3), minutes(4));
    expect(reply.status).toBe('rejected');
  });

  it('an edit of a published reply waits for its verdict; hold takes it to pending, publish shows it', () => {
    const reply = checking();
    reply.screen(verdict('publish'), minutes(1));
    reply.edit(alice, 'second thoughts', minutes(2), articleWith());
    expect(reply.revisionAwaitingVerdict).toBe(true);
    expect(reply.status).toBe('published');
    reply.screen(verdict('hold', 3), minutes(3));
    expect(reply.status).toBe('pending');
    expect(reply.revisionAwaitingVerdict).toBe(false);
  });

  it('after a moderator refused it, no verdict on a later edit changes how it was refused; the moderator can decide the edit', () => {
    const reply = checking();
    reply.moderate('spam', null, minutes(1));
    reply.edit(alice, 'spam still', minutes(2), articleWith());
    reply.screen(verdict('reject', 3), minutes(3));
    expect(reply.status).toBe('spam');
    reply.edit(alice, 'spam again', minutes(4), articleWith());
    reply.moderate('spam', 'still spam', minutes(5));
    expect(() => reply.screen(verdict('publish', 5), minutes(6))).toThrow(OutdatedVerdictError);
    expect(reply.status).toBe('spam');
  });

  it('refuses replies to a rejected or spam reply', () => {
    const parent = checking();
    parent.screen(verdict('spam'), minutes(1));
    expect(() => Reply.submit({ replyId: 'r2', article: articleWith(), parent, author: bob, body: 'hi' }, minutes(2))).toThrow(/spam/);
  });

  it('a moderator approves a published reply only to answer readers\' reports', () => {
    const reply = given(submitted({ status: 'pending' }));
    reply.moderate('approve', null, minutes(1));
    expect(() => reply.moderate('approve', null, minutes(2), null, false)).toThrow(/already published/);
    expect(() => reply.moderate('reject', null, minutes(2), null, true)).not.toThrow();
    reply.moderate('approve', 'back up', minutes(3));
    reply.moderate('approve', 'fair comment', minutes(4), null, true);
    expect(reply.pullEvents().map((e) => [(e.data as { action: string }).action, (e.data as { status: string }).status, (e.data as { previousStatus: string }).previousStatus])).toEqual([
      ['approve', 'published', 'pending'],
      ['reject', 'rejected', 'published'],
      ['approve', 'published', 'rejected'],
      ['approve', 'published', 'published'],
    ]);
    expect(reply.status).toBe('published');
  });

  it('moderators move a reply between published, pending, rejected and spam, and nothing already there', () => {
    const reply = given(submitted({ status: 'pending' }));
    reply.moderate('approve', null, minutes(1));
    expect(() => reply.moderate('approve', null, minutes(2))).toThrow(/already published/);
    reply.moderate('spam', 'link farm', minutes(2));
    reply.moderate('reject', null, minutes(3));
    reply.moderate('approve', 'appeal upheld', minutes(4));
    expect(reply.pullEvents().map((e) => [e.type, (e.data as { status: string }).status])).toEqual([
      ['reply.moderated', 'published'],
      ['reply.moderated', 'spam'],
      ['reply.moderated', 'rejected'],
      ['reply.moderated', 'published'],
    ]);
  });

  it('refuses decisions and verdicts on retracted or removed replies, and bad reasons', () => {
    const retracted = given(submitted({ status: 'checking' }), { type: 'reply.retracted', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', retractedAt: 'x', previousStatus: 'checking' } });
    expect(() => retracted.moderate('approve', null, minutes(1))).toThrow(RuleViolationError);
    expect(() => retracted.screen(verdict('publish', 1), minutes(1))).toThrow(OutdatedVerdictError);
    expect(() => checking().moderate('reject', '\u200b', minutes(1))).toThrow(InvalidCommandError);
    expect(() => checking().moderate('reject', 'x'.repeat(1001), minutes(1))).toThrow(InvalidCommandError);
  });

  it('features only published replies, and leaving published unfeatures', () => {
    const reply = checking();
    expect(() => reply.feature(true, minutes(1))).toThrow(RuleViolationError);
    reply.screen(verdict('publish'), minutes(1));
    reply.feature(true, minutes(2));
    reply.feature(true, minutes(3));
    expect(reply.featured).toBe(true);
    reply.moderate('spam', null, minutes(4));
    expect(reply.featured).toBe(false);
    expect(reply.pullEvents().map((e) => e.type)).toEqual(['reply.screened', 'reply.featured', 'reply.moderated']);
  });

  it('its author appeals a held, rejected or spam reply once; the next decision settles it for good', () => {
    const reply = checking();
    expect(() => reply.appealBy(alice, 'please look', minutes(1))).toThrow(/a checking reply cannot be appealed/);
    reply.screen(verdict('spam'), minutes(1));
    expect(() => reply.appealBy(bob, 'not mine', minutes(2))).toThrow(ForbiddenError);
    expect(() => reply.appealBy(alice, '\u200b', minutes(2))).toThrow(/appeal/);
    reply.appealBy(alice, '  It is a real question about the budget.  ', minutes(2));
    expect(reply.appeal).toBe('open');
    expect(() => reply.appealBy(alice, 'again', minutes(3))).toThrow(/waiting/);
    // Upholding the refusal is a decision too: the same status, settling the appeal.
    reply.moderate('spam', 'Still advertising', minutes(4));
    expect(reply.appeal).toBe('settled');
    expect(() => reply.appealBy(alice, 'one more time', minutes(5))).toThrow(/final/);
    const events = reply.pullEvents();
    expect(events.map((e) => e.type)).toEqual(['reply.screened', 'reply.appealed', 'reply.moderated']);
    expect(events[1]).toMatchObject({ data: { replyId: 'r1', commenterId: 'alice', note: 'It is a real question about the budget.', status: 'spam', appealedAt: minutes(2).toISOString() } });
    expect(events[2]).toMatchObject({ data: { action: 'spam', status: 'spam', previousStatus: 'spam', settlesAppeal: true } });
    // Replayed from its events, the appeal is settled all the same.
    expect(given(submitted({ status: 'checking' }), ...events).appeal).toBe('settled');
  });

  it('an approval after an appeal publishes it; a published reply cannot be appealed', () => {
    const reply = checking();
    reply.screen(verdict('hold'), minutes(1));
    reply.appealBy(alice, 'Nothing rude here', minutes(2));
    reply.moderate('approve', null, minutes(3));
    expect(reply.status).toBe('published');
    const fresh = checking();
    fresh.screen(verdict('publish'), minutes(1));
    expect(() => fresh.appealBy(alice, 'why not', minutes(2))).toThrow(RuleViolationError);
  });

  it('an edit the checks publish leaves no appeal open; a bulk decision settles none', () => {
    const reply = checking();
    reply.screen(verdict('spam'), minutes(1));
    reply.appealBy(alice, 'It was a real question', minutes(2));
    reply.edit(alice, 'A question about the budget, without the link', minutes(3), articleWith());
    reply.screen(verdict('publish', 4), minutes(4));
    expect(reply.status).toBe('published');
    expect(reply.appeal).toBe('none');

    const held = checking();
    held.screen(verdict('hold'), minutes(1));
    held.appealBy(alice, 'Nothing rude', minutes(2));
    held.moderate('reject', null, minutes(3), 'batch-1');
    expect(held.appeal).toBe('open');
    expect(held.pullEvents().pop()).toMatchObject({ type: 'reply.moderated', data: { batchId: 'batch-1' } });
  });
});

describe('Reply.restoreAfter (a batch undone)', () => {
  const checking = () => given(submitted({ status: 'checking' }));

  it('goes back to where the batch found it; a reply found checking comes back held', () => {
    const published = given(submitted());
    published.moderate('reject', null, minutes(1), 'b1');
    published.restoreAfter('b1', minutes(2));
    expect(published.status).toBe('published');
    expect(published.pullEvents()[1].data).toMatchObject({ action: 'restore', status: 'published', previousStatus: 'rejected', batchId: 'b1' });

    const waiting = checking();
    waiting.moderate('spam', null, minutes(1), 'b1');
    waiting.restoreAfter('b1', minutes(2));
    expect(waiting.status).toBe('pending');
  });

  it('refuses once anything changed its status or text since, or another batch decided', () => {
    const decidedAgain = given(submitted());
    decidedAgain.moderate('reject', null, minutes(1), 'b1');
    decidedAgain.moderate('approve', null, minutes(2));
    expect(() => decidedAgain.restoreAfter('b1', minutes(3))).toThrow(ChangedSinceBatchError);

    const otherBatch = given(submitted());
    otherBatch.moderate('reject', null, minutes(1), 'b1');
    otherBatch.moderate('spam', null, minutes(2), 'b2');
    expect(() => otherBatch.restoreAfter('b1', minutes(3))).toThrow(/batch b2/);

    const never = given(submitted());
    expect(() => never.restoreAfter('b1', minutes(3))).toThrow(ChangedSinceBatchError);

    const undoneTwice = given(submitted());
    undoneTwice.moderate('reject', null, minutes(1), 'b1');
    undoneTwice.restoreAfter('b1', minutes(2));
    expect(() => undoneTwice.restoreAfter('b1', minutes(3))).toThrow(ChangedSinceBatchError);
  });

  it('an appeal of the bulk rejection does not count as a change', () => {
    const reply = given(submitted());
    reply.moderate('reject', null, minutes(1), 'b1');
    reply.appealBy(alice, 'please look again', minutes(2));
    reply.restoreAfter('b1', minutes(3));
    expect(reply.status).toBe('published');
    expect(reply.appeal).toBe('none');
  });
});

describe('Reply.submit and the author\'s standing', () => {
  it('premod holds a reply anywhere; trusted skips the article\'s pre-moderation, not the checks', () => {
    expect(Reply.submit({ replyId: 'r1', article: articleWith(), author: alice, body: 'hi', standing: 'premod' }, t0).pullEvents()[0].data).toMatchObject({ status: 'pending' });
    expect(Reply.submit({ replyId: 'r1', article: articleWith({ moderation: 'pre' }), author: alice, body: 'hi', standing: 'trusted' }, t0).pullEvents()[0].data).toMatchObject({ status: 'checking' });
    expect(Reply.submit({ replyId: 'r1', article: articleWith({ moderation: 'pre' }), author: alice, body: 'hi', standing: 'normal' }, t0).pullEvents()[0].data).toMatchObject({ status: 'pending' });
  });
});

describe('Reply.restoreAfter and what nobody passed', () => {
  it('an edit of a published reply waiting for its verdict comes back held, never published unscreened', () => {
    const reply = given(submitted());
    reply.edit(alice, 'a new text nobody checked', minutes(1), articleWith());
    reply.moderate('reject', null, minutes(2), 'b1');
    reply.restoreAfter('b1', minutes(3));
    expect(reply.status).toBe('pending');
    expect(reply.lastBatch).toMatchObject({ batchId: 'b1', restored: true });
  });

  it('remembers when a moderator last decided, so a batch requested earlier leaves that decision alone', () => {
    const reply = given(submitted());
    reply.moderate('reject', null, minutes(5));
    expect(reply.lastDecidedAt).toBe(minutes(5).toISOString());
  });
});

describe('Reply.restoreAfter after a restore', () => {
  it('knows it restored, whatever came after the restore', () => {
    const reply = given(submitted());
    reply.moderate('reject', null, minutes(1), 'b1');
    reply.restoreAfter('b1', minutes(2));
    expect(reply.lastBatch).toMatchObject({ batchId: 'b1', restored: true });
  });
});
