import { POLICY_REFRESH_MS } from '@app/platform';
import { randomBytes } from 'node:crypto';
import { eventually, startSystem, System, tokenFor, verdictOn } from './support/system';

/**
 * What-if (docs/decisions/0033): a seeded history replayed under a past policy version and under
 * a draft; exactly the expected changes, applied as one batch and undone; admins only; bad input.
 */
let sys: System;
let admin: string;
let moderator: string;
const articleId = `what-if-${randomBytes(3).toString('hex')}`;
/** A word no policy lists until the test bans it. */
const WORD = `zorblax${randomBytes(2).toString('hex')}`;

beforeAll(async () => {
  sys = await startSystem();
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
  moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'mod-1', 'Mo')}`;
  await sys.http.post('/articles').set('Authorization', admin).send({ id: articleId, title: 'What if', author: 'E', category: 'News', body: ['p'] }).expect(202);
});
afterAll(() => sys.stop());

const reader = () => {
  const sub = `r-${randomBytes(4).toString('hex')}`;
  return `Bearer ${tokenFor(sys.config, 'reader', sub, sub)}`;
};
const text = (extra: string) => `The council should publish the full budget before the vote ${randomBytes(3).toString('hex')}. ${extra}`;
const submit = async (extra: string) => {
  const { id } = (await sys.http.post(`/articles/${articleId}/replies`).set('Authorization', reader()).send({ body: text(extra) }).expect(202)).body;
  return (await verdictOn(sys, id)) as { id: string; status: string };
};
const whatIf = (body: unknown, auth: string | null = admin) => {
  const req = sys.http.post('/admin/what-if');
  if (auth) req.set('Authorization', auth);
  return req.send(body as object);
};
const batchCommits = () => sys.db.collection('commits').countDocuments({ streamId: { $regex: '^batch-' } });
const batch = async (id: string) => (await sys.http.get(`/moderation/batches/${id}`).set('Authorization', moderator).expect(200)).body;
const status = async (id: string) => (await sys.http.get(`/replies/${id}`).set('Authorization', moderator).expect(200)).body.status;
/** The policy in force as a draft: its rules without version and changedAt. */
const rulesInForce = async () => {
  const { version: _v, changedAt: _c, ...rules } = (await sys.http.get('/admin/policy').set('Authorization', admin).expect(200)).body;
  return rules;
};
/** The replies a what-if reports, in no particular order: submissions sent together may be sequenced either way. */
const byReply = (changes: { replyId: string }[]) => changes.map((c) => c.replyId).sort();
const change = (changes: { replyId: string }[], replyId: string) => changes.find((c) => c.replyId === replyId);

/** The history: replies scored under version 0, one decided by a moderator, then version 1 bans WORD and one more is scored. */
const seeded = {} as { clean: string; worded: string; insult: string; decided: string; late: string; from: string; beforeLate: string; draft: Record<string, unknown> };

describe('what-if', () => {
  beforeAll(async () => {
    seeded.from = new Date().toISOString();
    const [clean, worded, insult, decided] = await Promise.all([submit('Thanks.'), submit(`A ${WORD} of a plan.`), submit('You idiot.'), submit(`Another ${WORD}.`)]);
    expect([clean.status, worded.status, insult.status, decided.status]).toEqual(['published', 'published', 'pending', 'published']);
    Object.assign(seeded, { clean: clean.id, worded: worded.id, insult: insult.id, decided: decided.id });
    // A moderator's decision: no replay touches it.
    const bulk = await sys.http.post('/moderation/bulk').set('Authorization', moderator).send({ action: 'reject', replyIds: [decided.id] }).expect(202);
    await eventually(async () => expect((await batch(bulk.body.batchId)).state).toBe('completed'), 20_000);
    seeded.beforeLate = new Date().toISOString();

    const rules = await rulesInForce();
    const banning = { ...rules, words: { ...rules.words, banned: [...rules.words.banned, WORD] } };
    await sys.http.put('/admin/policy').set('Authorization', admin).set('If-Match', '"0"').send(banning).expect(200);
    await new Promise((r) => setTimeout(r, POLICY_REFRESH_MS + 200)); // workers read the policy again
    const late = await submit(`Yet another ${WORD}.`);
    expect(late.status).toBe('rejected');
    seeded.late = late.id;
    // A draft that bans the word and no longer suspects "idiot".
    seeded.draft = { ...banning, words: { banned: banning.words.banned, suspect: rules.words.suspect.filter((w: string) => w !== 'idiot') } };
  }, 90_000);

  it('under a past version reports exactly the reply that version would have published', async () => {
    const res = await whatIf({ policyVersion: 0, articleId }).expect(200);
    expect(res.body).toMatchObject({ policy: { version: 0, draft: false }, scanned: 5, complete: true, notReplayed: { 'moderator-decided': 1 }, batchId: null });
    expect(res.body.changes).toEqual([
      expect.objectContaining({
        replyId: seeded.late,
        articleId,
        status: 'rejected',
        statusAfter: 'published',
        action: 'approve',
        verdictThen: expect.objectContaining({ decision: 'reject', policyVersion: 1 }),
        verdictNow: expect.objectContaining({ decision: 'publish', policyVersion: 0 }),
        why: { added: [], dropped: [expect.objectContaining({ code: 'banned-word' })] },
      }),
    ]);
    // Under the version in force: the reply published before it banned the word.
    const inForce = (await whatIf({ policyVersion: 1, articleId }).expect(200)).body.changes;
    expect(inForce).toEqual([expect.objectContaining({ replyId: seeded.worded, status: 'published', statusAfter: 'rejected', action: 'reject', verdictThen: expect.objectContaining({ policyVersion: 0 }), verdictNow: expect.objectContaining({ policyVersion: 1 }) })]);
  });

  it('under a draft reports exactly the replies it would reject and publish, and why', async () => {
    const res = await whatIf({ draft: seeded.draft, articleId }).expect(200);
    expect(res.body).toMatchObject({ policy: { version: null, draft: true }, scanned: 5, notReplayed: { 'moderator-decided': 1 } });
    expect(byReply(res.body.changes)).toEqual([seeded.worded, seeded.insult].sort());
    expect(change(res.body.changes, seeded.worded)).toMatchObject({ status: 'published', statusAfter: 'rejected', action: 'reject', verdictNow: { decision: 'reject', policyVersion: null }, why: { added: [{ code: 'banned-word' }] } });
    expect(change(res.body.changes, seeded.insult)).toMatchObject({ status: 'pending', statusAfter: 'published', action: 'approve', why: { added: [], dropped: [{ code: 'suspect-word' }] } });
  });

  it('takes a time range of submissions, bounded at both ends', async () => {
    const all = (await whatIf({ policyVersion: 0, from: seeded.from }).expect(200)).body;
    expect(all).toMatchObject({ scanned: 5, scope: { articleId: null, from: seeded.from, to: null } });
    expect(byReply(all.changes)).toEqual([seeded.late]);
    const early = (await whatIf({ draft: seeded.draft, from: seeded.from, to: seeded.beforeLate }).expect(200)).body;
    expect(early.scanned).toBe(4);
    expect(byReply(early.changes)).toEqual([seeded.worded, seeded.insult].sort());
    expect((await whatIf({ policyVersion: 0, from: seeded.from, to: seeded.beforeLate }).expect(200)).body.changes).toEqual([]);
  });

  it('applies the changes as one batch, which moves the replies and can be undone', async () => {
    const before = await batchCommits();
    const res = await whatIf({ draft: seeded.draft, articleId, apply: true, reason: 'New house rules' }).expect(200);
    expect(res.body.batchId).toEqual(expect.any(String));
    expect(res.headers.location).toBe(`/moderation/batches/${res.body.batchId}`);
    const done = await eventually(async () => {
      const b = await batch(res.body.batchId);
      expect(b.state).toBe('completed');
      return b;
    }, 20_000);
    expect(done).toMatchObject({ action: 'per-reply', reason: 'New house rules', selection: { replies: 2, decisions: { reject: 1, approve: 1 } }, counts: { changed: 2, unchanged: 0, failed: 0 } });
    expect(await batchCommits()).toBeGreaterThan(before);
    await eventually(async () => expect([await status(seeded.worded), await status(seeded.insult), await status(seeded.clean), await status(seeded.late)]).toEqual(['rejected', 'published', 'published', 'rejected']));
    // Decided now: a replay leaves them to the moderators.
    expect((await whatIf({ draft: seeded.draft, articleId }).expect(200)).body).toMatchObject({ changes: [], notReplayed: { 'moderator-decided': 3 } });

    await sys.http.post(`/moderation/batches/${res.body.batchId}/undo`).set('Authorization', moderator).expect(202);
    const undone = await eventually(async () => {
      const b = await batch(res.body.batchId);
      expect(b.state).toBe('undone');
      return b;
    }, 20_000);
    expect(undone.undo).toMatchObject({ counts: { restored: 2, changedSince: 0 } });
    await eventually(async () => expect([await status(seeded.worded), await status(seeded.insult)]).toEqual(['published', 'pending']));
  });

  it('only admins replay (role matrix)', async () => {
    for (const [auth, code] of [
      [null, 401],
      ['Bearer forged.token.here', 401],
      [reader(), 403],
      [moderator, 403],
      [admin, 200],
    ] as const) {
      expect([auth, (await whatIf({ policyVersion: 0, articleId }, auth)).status]).toEqual([auth, code]);
    }
  });

  it('refuses bad input with the offending field, and stores nothing', async () => {
    const before = await batchCommits();
    const draft = seeded.draft as { thresholds: object };
    const cases: [unknown, number, string][] = [
      [[{ policyVersion: 0, articleId }], 400, ''],
      [{}, 400, 'policyVersion'],
      [{ policyVersion: 0, draft, articleId, apply: true }, 400, 'policyVersion'],
      [{ policyVersion: 0, apply: true }, 400, 'articleId'],
      [{ policyVersion: '0', articleId, apply: true }, 400, 'policyVersion'],
      [{ policyVersion: 0.5, articleId, apply: true }, 400, 'policyVersion'],
      [{ policyVersion: null, articleId, apply: true }, 400, 'policyVersion'],
      [{ policyVersion: { $gt: 0 }, articleId, apply: true }, 400, 'policyVersion'],
      [{ policyVersion: [0], articleId, apply: true }, 400, 'policyVersion'],
      [{ policyVersion: 99, articleId, apply: true }, 400, 'policyVersion'],
      [{ policyVersion: 0, articleId: { $ne: null }, apply: true }, 400, 'articleId'],
      [{ policyVersion: 0, articleId: [articleId], apply: true }, 400, 'articleId'],
      [{ policyVersion: 0, articleId, apply: 'yes' }, 400, 'apply'],
      [{ policyVersion: 0, articleId, apply: true, admin: true }, 400, 'admin'],
      [{ policyVersion: 0, from: 'yesterday', apply: true }, 400, 'from'],
      [{ policyVersion: 0, from: seeded.beforeLate, to: seeded.from, apply: true }, 400, 'to'],
      [{ policyVersion: 0, articleId, from: null, apply: true }, 400, 'from'],
      [{ policyVersion: 0, articleId, reason: 'dry run' }, 400, 'reason'],
      [{ draft: [draft], articleId, apply: true }, 400, 'draft'],
      [{ draft: null, articleId, apply: true }, 400, 'draft'],
      [{ draft: { ...draft, treshold: 1 }, articleId, apply: true }, 400, 'draft.treshold'],
      [{ draft: { ...draft, version: 3 }, articleId, apply: true }, 400, 'draft.version'],
      [{ draft: { ...draft, reason: 'why' }, articleId, apply: true }, 400, 'draft.reason'],
      [{ draft: { ...draft, thresholds: [0.5, 0.9] }, articleId, apply: true }, 400, 'draft.thresholds'],
      [{ draft: { ...draft, thresholds: { hold: 0.9, reject: 0.4 } }, articleId, apply: true }, 400, 'draft.thresholds.hold'],
      [{ draft: { ...draft, thresholds: { ...draft.thresholds, hold: { $gt: 0 } } }, articleId, apply: true }, 400, 'draft.thresholds.hold'],
      [{ policyVersion: 0, articleId: 'no-such-article', apply: true }, 404, ''],
    ];
    for (const [body, code, field] of cases) {
      const res = await whatIf(body);
      expect([JSON.stringify(body).slice(0, 80), res.status]).toEqual([JSON.stringify(body).slice(0, 80), code]);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      if (field) expect([field, JSON.stringify(res.body.errors ?? res.body)]).toEqual([field, expect.stringContaining(field)]);
    }
    expect(await batchCommits()).toBe(before);
  });
});
