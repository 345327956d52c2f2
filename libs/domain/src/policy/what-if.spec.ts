import { checkPolicy, DEFAULT_POLICY, screen, SpamModel, type ModerationPolicy } from '@app/moderation';
import { Article } from '../article/article';
import { DEFAULT_REPLY_SETTINGS, ReplySettings } from '../article/article.events';
import { Reply } from '../reply/reply';
import { ReplyEvent } from '../reply/reply.events';
import { Actor } from '../shared/domain-event';
import { replayVerdict, screenedReply, type ScreenedReply } from './what-if';

const t0 = new Date('2026-03-01T12:00:00.000Z');
const alice: Actor = { kind: 'reader', id: 'alice', name: 'Alice' };
const article = (settings: Partial<ReplySettings> = {}) =>
  new Article().rehydrate([
    { type: 'article.published', schemaVersion: 1, data: { articleId: 'a1', title: 'T', author: 'W', category: 'News', body: [], publishedAt: t0.toISOString(), settings: { ...DEFAULT_REPLY_SETTINGS, ...settings } } },
  ]);
const { version: _, ...rules } = DEFAULT_POLICY;
/** A draft: the default policy with these changes, checked as PUT /admin/policy checks it. */
const draft = (changes: Record<string, unknown>): ModerationPolicy => checkPolicy({ ...JSON.parse(JSON.stringify(rules)), ...changes, version: 0 });
const banning = (word: string) => draft({ words: { banned: [...DEFAULT_POLICY.words.banned, word], suspect: DEFAULT_POLICY.words.suspect } });

/** A reply submitted and screened as the spam worker does it, under `policy`, then loaded from its events. */
function screened(body: string, opts: { policy?: ModerationPolicy; pre?: boolean; model?: SpamModel; then?: (r: Reply) => void } = {}): ScreenedReply {
  const reply = Reply.submit({ replyId: 'r1', article: article(opts.pre ? { moderation: 'pre' } : {}), author: alice, body }, t0);
  const s = screen({ body, authorName: alice.name, counts: { commenterPerMinute: 1, networkPerMinute: 1, sameText: 1 } }, opts.policy ?? DEFAULT_POLICY, opts.model);
  reply.screen({ scoredVersion: 1, decision: s.decision, score: s.score, reasons: s.reasons, features: JSON.parse(JSON.stringify(s.features)), policyVersion: s.policyVersion, modelVersion: s.modelVersion }, t0);
  opts.then?.(reply);
  const events = reply.pullEvents() as ReplyEvent[];
  return screenedReply(new Reply().rehydrate(events), events);
}

const THOUGHTFUL = 'The council should publish the full budget before the vote, not after it.';

describe('replayVerdict', () => {
  it('reports a published reply that a draft banning its word would reject, and why', () => {
    const reply = screened(`${THOUGHTFUL} Zorblax!`);
    expect(reply.status).toBe('published');
    const outcome = replayVerdict(reply, banning('zorblax'), null);
    expect(outcome).toEqual({
      kind: 'changed',
      change: expect.objectContaining({
        replyId: 'r1',
        status: 'published',
        statusAfter: 'rejected',
        action: 'reject',
        verdictThen: expect.objectContaining({ decision: 'publish', policyVersion: 0 }),
        verdictNow: expect.objectContaining({ decision: 'reject', policyVersion: null }),
        why: { added: [{ code: 'banned-word', detail: expect.stringContaining('zorblax') }], dropped: [] },
        rulesChanged: false,
      }),
    });
  });

  it('reports nothing when the decision stays, whatever else the policy changes', () => {
    expect(replayVerdict(screened(THOUGHTFUL), banning('zorblax'), 3)).toEqual({ kind: 'same' });
    expect(replayVerdict(screened(`${THOUGHTFUL} You idiot.`), draft({ flags: { threshold: 9, hideAtThreshold: true } }), 3)).toEqual({ kind: 'same' });
  });

  it('approves a reply held for a word the replayed policy no longer suspects', () => {
    const reply = screened(`${THOUGHTFUL} You idiot.`);
    expect(reply.status).toBe('pending');
    const outcome = replayVerdict(reply, draft({ words: { banned: DEFAULT_POLICY.words.banned, suspect: [] } }), 2);
    expect(outcome).toMatchObject({ kind: 'changed', change: { status: 'pending', statusAfter: 'published', action: 'approve', verdictNow: { decision: 'publish', policyVersion: 2 } } });
    expect(outcome.kind === 'changed' && outcome.change.why.dropped.map((r) => r.code)).toEqual(['suspect-word']);
  });

  it('reports a would-be hold of a published reply with no action: no moderator action holds a reply', () => {
    const outcome = replayVerdict(screened(THOUGHTFUL), draft({ words: { banned: DEFAULT_POLICY.words.banned, suspect: ['budget'] } }), 4);
    expect(outcome).toMatchObject({ kind: 'changed', change: { status: 'published', statusAfter: 'pending', action: null, verdictNow: { decision: 'hold' } } });
  });

  it('keeps a pre-moderated reply pending: a change of decision there takes no action unless it refuses', () => {
    const held = screened(`${THOUGHTFUL} You idiot. Zorblax!`, { pre: true });
    expect(held.status).toBe('pending');
    expect(replayVerdict(held, draft({ words: { banned: DEFAULT_POLICY.words.banned, suspect: [] } }), 1)).toMatchObject({ kind: 'changed', change: { statusAfter: 'pending', action: null } });
    expect(replayVerdict(held, banning('zorblax'), 1)).toMatchObject({ kind: 'changed', change: { statusAfter: 'rejected', action: 'reject' } });
  });

  it('replays the score with the thresholds of the policy, the counts and the model as recorded', () => {
    const model = new (class extends SpamModel {
      override probability() {
        return 0.9;
      }
    })({ spam: 0, ham: 0, tokens: new Map() }, 7);
    const reply = screened(THOUGHTFUL, { model }); // 0.9 × (0.9 − 0.5) × 2 = 0.72: held
    expect(reply).toMatchObject({ status: 'pending', verdict: { decision: 'hold', score: 0.72, modelVersion: 7 } });
    expect(replayVerdict(reply, draft({ thresholds: { hold: 0.8, reject: 0.9 } }), 5)).toMatchObject({ kind: 'changed', change: { statusAfter: 'published', action: 'approve', verdictNow: { score: 0.72, decision: 'publish' } } });
    expect(replayVerdict(reply, draft({ thresholds: { hold: 0.3, reject: 0.7 } }), 5)).toMatchObject({ kind: 'changed', change: { statusAfter: 'spam', action: 'spam' } });
  });

  it('never replays a reply a moderator decided on, one still waiting for a verdict, or one gone', () => {
    const ban = banning('zorblax');
    const body = `${THOUGHTFUL} Zorblax!`;
    expect(replayVerdict(screened(body, { then: (r) => r.moderate('reject', null, t0) }), ban, 1)).toEqual({ kind: 'not-replayed', why: 'moderator-decided' });
    expect(replayVerdict(screened(body, { then: (r) => r.edit(alice, `${body} More.`, t0, article()) }), ban, 1)).toEqual({ kind: 'not-replayed', why: 'awaiting-verdict' });
    expect(replayVerdict(screened(body, { then: (r) => r.retract(alice, t0, article()) }), ban, 1)).toEqual({ kind: 'not-replayed', why: 'retracted' });
    expect(replayVerdict({ ...screened(body), verdict: null }, ban, 1)).toEqual({ kind: 'not-replayed', why: 'no-verdict' });
    const failed = screened(body);
    failed.verdict = { ...failed.verdict!, decision: 'hold', reasons: [{ code: 'screening-failed', detail: 'x' }], features: {} };
    expect(replayVerdict(failed, ban, 1)).toEqual({ kind: 'not-replayed', why: 'screening-failed' });
  });

  it('says when the verdict was scored by older scoring rules', () => {
    const reply = screened(`${THOUGHTFUL} Zorblax!`);
    reply.verdict = { ...reply.verdict!, features: { ...reply.verdict!.features, rules: 1 } };
    expect(replayVerdict(reply, banning('zorblax'), 1)).toMatchObject({ kind: 'changed', change: { rulesChanged: true } });
  });
});
