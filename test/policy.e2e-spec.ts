import { DEFAULT_POLICY, POLICY_LIMITS } from '@app/moderation';
import { POLICY_REFRESH_MS } from '@app/platform';
import { randomBytes } from 'node:crypto';
import { eventually, SEED_ARTICLE_ID, startSystem, System, tokenFor } from './support/system';

/** The policy stream through the API: admins read and replace it, verdicts and flags follow it. */
let sys: System;
let admin: string;
let moderator: string;

beforeAll(async () => {
  sys = await startSystem({ env: { MODERATION_POLICY: '' } });
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
  moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'mod-1', 'Mo')}`;
});
afterAll(() => sys.stop());

const reader = (sub = `r-${randomBytes(4).toString('hex')}`) => `Bearer ${tokenFor(sys.config, 'reader', sub, sub)}`;
const unique = (label: string) => `${label} ${randomBytes(4).toString('hex')}`;
const { version: _, ...defaults } = DEFAULT_POLICY;
const rules = (changes: Record<string, unknown> = {}) => ({ ...JSON.parse(JSON.stringify(defaults)), ...changes });
const read = () => sys.http.get('/admin/policy').set('Authorization', admin).expect(200);
const put = (body: unknown, ifMatch: string | null, auth = admin) => {
  const req = sys.http.put('/admin/policy').set('Authorization', auth);
  if (ifMatch !== null) req.set('If-Match', ifMatch);
  return req.send(body as object);
};
const policyCommits = () => sys.db.collection('commits').countDocuments({ streamId: 'policy-default' });
/** Processes re-read the policy at most this often: wait it out before relying on a change elsewhere. */
const reachWorkers = () => new Promise((r) => setTimeout(r, POLICY_REFRESH_MS + 200));

describe('the moderation policy', () => {
  it('only admins read or change it (role matrix, default deny)', async () => {
    const etag = (await read()).headers.etag;
    for (const [auth, status] of [
      [null, 401],
      [reader(), 403],
      [moderator, 403],
      ['Bearer forged.token.here', 401],
    ] as const) {
      const get = sys.http.get('/admin/policy');
      if (auth) get.set('Authorization', auth);
      expect([auth, (await get).status]).toEqual([auth, status]);
      const change = sys.http.put('/admin/policy').set('If-Match', etag);
      if (auth) change.set('Authorization', auth);
      expect([auth, (await change.send(rules())).status]).toEqual([auth, status]);
    }
    expect(await policyCommits()).toBe(0);
  });

  it('starts as the built-in policy, version 0; a change is the next version, with its ETag', async () => {
    const first = await read();
    expect(first.body).toMatchObject({ ...defaults, version: 0, changedAt: null });
    expect(first.headers.etag).toBe('"0"');
    const changed = await put({ ...rules({ flags: { threshold: 2, hideAtThreshold: false } }), reason: 'Busy night: report sooner' }, '"0"').expect(200);
    expect(changed.body).toMatchObject({ version: 1, flags: { threshold: 2 }, changedAt: expect.any(String) });
    expect(changed.headers.etag).toBe('"1"');
    expect((await read()).body).toMatchObject({ version: 1, flags: { threshold: 2 } });
    // The same rules again change nothing.
    await put(rules({ flags: { threshold: 2, hideAtThreshold: false } }), '"1"').expect(200);
    expect(await policyCommits()).toBe(1);
  });

  it('needs If-Match: 428 without it, 412 when stale or not one strong ETag', async () => {
    const { version } = (await read()).body;
    await put(rules({ defaultMode: 'pre' }), null).expect(428);
    await put(rules({ defaultMode: 'pre' }), `"${version - 1}"`).expect(412);
    for (const bad of ['*', `W/"${version}"`, `"${version}", "${version + 1}"`, 'garbage']) await put(rules({ defaultMode: 'pre' }), bad).expect(412);
    expect((await read()).body.version).toBe(version);
  });

  it('refuses a bad policy with the offending field, and stores nothing', async () => {
    const before = await policyCommits();
    const { version } = (await read()).body;
    const etag = `"${version}"`;
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 40; i++) at = (at.x = {}) as Record<string, unknown>;
    const cases: [unknown, string][] = [
      [rules({ thresholds: { hold: 0.9, reject: 0.4 } }), 'thresholds.hold'],
      [rules({ words: { banned: ['idiot'], suspect: ['idiot'] } }), 'words.suspect[0]'],
      [rules({ words: { banned: Array.from({ length: POLICY_LIMITS.wordsPerList + 1 }, (_, i) => `w${i}`), suspect: [] } }), 'words.banned'],
      [rules({ words: { banned: ['x'.repeat(65)], suspect: [] } }), 'words.banned'],
      [rules({ words: { banned: ['a\u0000b'], suspect: [] } }), 'words.banned[0]'],
      [rules({ words: { banned: ['\u200b'], suspect: [] } }), 'words.banned[0]'],
      [rules({ words: [] }), 'words'],
      [rules({ words: null }), 'words'],
      [rules({ thresholds: { hold: '0.5', reject: 0.9 } }), 'thresholds.hold'],
      [rules({ thresholds: { hold: { $gt: 0 }, reject: 0.9 } }), 'thresholds.hold'],
      [rules({ flags: { threshold: 0, hideAtThreshold: false } }), 'flags.threshold'],
      [rules({ defaultMode: 'sometimes' }), 'defaultMode'],
      [rules({ velocity: undefined }), 'velocity'],
      [rules({ treshold: 3 }), 'treshold'],
      [{ ...rules(), version: 99 }, 'version'],
      [rules({ reason: '\u200b\u200b' }), 'reason'],
      [[rules()], ''],
      [{ ...rules(), words: { banned: [], suspect: [], deep } }, ''], // refused by the depth limit before anything else
    ];
    for (const [body, field] of cases) {
      const res = await put(body, etag);
      expect([field, res.status]).toEqual([field, 400]);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      if (field) expect([field, JSON.stringify(res.body.errors ?? res.body)]).toEqual([field, expect.stringContaining(field.replace(/\[\d+\]$/, ''))]);
    }
    const proto = await sys.http.put('/admin/policy').set('Authorization', admin).set('If-Match', etag).set('Content-Type', 'application/json').send(`{"__proto__": {"admin": true}, ${JSON.stringify(rules()).slice(1)}`);
    expect(proto.status).toBe(400);
    expect(await policyCommits()).toBe(before);
  });

  it('verdicts follow the new word lists and name the version; flags follow its threshold; articles its default mode', async () => {
    const { version } = (await read()).body;
    const word = `zorblax${randomBytes(2).toString('hex')}`;
    const next = (await put(rules({ words: { banned: DEFAULT_POLICY.words.banned, suspect: [...DEFAULT_POLICY.words.suspect, word] }, flags: { threshold: 1, hideAtThreshold: false }, defaultMode: 'pre' }), `"${version}"`).expect(200)).body;
    await reachWorkers();

    const held = (await sys.http.post(`/articles/${SEED_ARTICLE_ID}/replies`).set('Authorization', reader()).send({ body: unique(`What a ${word} this is.`) }).expect(202)).body;
    const verdict = await eventually(async () => {
      const d = (await sys.http.get(`/replies/${held.id}`).set('Authorization', moderator).expect(200)).body;
      expect(d.verdict).not.toBeNull();
      return d;
    }, 20_000);
    expect(verdict).toMatchObject({ status: 'pending', verdict: { policyVersion: next.version } });

    const fine = (await sys.http.post(`/articles/${SEED_ARTICLE_ID}/replies`).set('Authorization', reader()).send({ body: unique('The budget vote should wait for the audit.') }).expect(202)).body;
    await eventually(async () => expect((await sys.http.get(`/replies/${fine.id}`).set('Authorization', moderator).expect(200)).body).toMatchObject({ status: 'published', verdict: { policyVersion: next.version } }), 20_000);
    await sys.http.post(`/replies/${fine.id}/flags`).set('Authorization', reader()).send({ reason: 'off-topic' }).expect(201);
    await eventually(async () => {
      const page = (await sys.http.get('/moderation/queues/reported?limit=100').set('Authorization', moderator).expect(200)).body;
      expect(page.items.map((i: { id: string }) => i.id)).toContain(fine.id);
    });

    const id = `pre-by-default-${randomBytes(3).toString('hex')}`;
    await sys.http.post('/articles').set('Authorization', admin).send({ id, title: 'T', author: 'E', category: 'News', body: ['p'] }).expect(202);
    const article = await eventually(async () => (await sys.http.get(`/articles/${id}`).expect(200)).body);
    expect(article.replySettings.moderation).toBe('pre');
  });

  it('two admins changing it from the same version: one wins, the other gets 412', async () => {
    const { version } = (await read()).body;
    const results = await Promise.all([put(rules({ links: { max: 4 } }), `"${version}"`), put(rules({ links: { max: 5 } }), `"${version}"`)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    expect((await read()).body.version).toBe(version + 1);
  });
});

describe('hide at threshold', () => {
  const article = `hide-at-threshold-${randomBytes(3).toString('hex')}`;
  const threadIds = async () => ((await sys.http.get(`/articles/${article}/replies?limit=100`).expect(200)).body.items as { id: string }[]).map((i) => i.id);
  const detail = async (id: string, auth = moderator) => (await sys.http.get(`/replies/${id}`).set('Authorization', auth).expect(200)).body;
  const flag = (id: string) => sys.http.post(`/replies/${id}/flags`).set('Authorization', reader()).send({ reason: 'abuse' }).expect(201);
  /** A published reply in the article's public thread, with its author. */
  async function publishedReply(text: string) {
    const author = reader();
    const r = (await sys.http.post(`/articles/${article}/replies`).set('Authorization', author).send({ body: unique(text) }).expect(202)).body;
    await eventually(async () => expect(await threadIds()).toContain(r.id), 20_000);
    return { id: r.id as string, author };
  }
  const setFlags = async (flags: { threshold: number; hideAtThreshold: boolean }) => {
    const { version } = (await read()).body;
    await put(rules({ flags }), `"${version}"`).expect(200);
    await reachWorkers();
  };

  beforeAll(async () => {
    await setFlags({ threshold: 2, hideAtThreshold: true });
    await sys.http.post('/articles').set('Authorization', admin).send({ id: article, title: 'Hide at threshold', author: 'E', category: 'News', body: ['p'] }).expect(202);
    await eventually(async () => (await sys.http.get(`/articles/${article}`).expect(200)).body);
  });

  it('two readers\' flags under a policy that hides at 2 take a published reply out of the thread; a moderator\'s approval brings it back', async () => {
    const r = await publishedReply('The audit should come before the budget vote.');
    await flag(r.id);
    await flag(r.id);
    await eventually(async () => expect(await threadIds()).not.toContain(r.id));
    // Its author and moderators are told why (their views are built apart: wait for them too); readers get no text.
    const seen = await eventually(async () => {
      const d = await detail(r.id);
      expect(d).toMatchObject({ status: 'published', hiddenByFlags: true, flags: 2 });
      return d;
    });
    expect(await detail(r.id, r.author)).toMatchObject({ status: 'published', hiddenByFlags: true, reasons: [{ code: 'hidden-by-flags' }] });
    await eventually(async () => {
      const mine = (await sys.http.get(`/articles/${article}/replies/mine`).set('Authorization', r.author).expect(200)).body.items;
      expect(mine).toEqual([expect.objectContaining({ id: r.id, status: 'published', hiddenByFlags: true, reasons: [expect.objectContaining({ code: 'hidden-by-flags' })] })]);
    });
    expect((await sys.http.get(`/replies/${r.id}`).expect(200)).body).toMatchObject({ status: 'published', body: '' });
    expect((await sys.http.get(`/replies/${r.id}`).expect(200)).body).not.toHaveProperty('hiddenByFlags');

    // The moderator finds it in the reported queue, and answers the flags from there.
    await eventually(async () => {
      const page = (await sys.http.get(`/moderation/queues/reported?articleId=${article}`).set('Authorization', moderator).expect(200)).body;
      expect(page.items.map((i: { id: string }) => i.id)).toContain(r.id);
    });
    await sys.http.post(`/moderation/replies/${r.id}/approve`).set('Authorization', moderator).send({ reason: 'Fair comment' }).expect(428);
    await sys.http.post(`/moderation/replies/${r.id}/approve`).set('Authorization', moderator).set('If-Match', `"${seen.version}"`).send({ reason: 'Fair comment' }).expect(200);
    await eventually(async () => expect(await threadIds()).toContain(r.id));
    await eventually(async () => expect(await detail(r.id)).toMatchObject({ hiddenByFlags: false, flags: 0, decision: { action: 'approve' } }));
    // Answered: out of the reported queue.
    await eventually(async () => {
      const page = (await sys.http.get(`/moderation/queues/reported?articleId=${article}`).set('Authorization', moderator).expect(200)).body;
      expect(page.items.map((i: { id: string }) => i.id)).not.toContain(r.id);
    });
  });

  it('with hideAtThreshold false, the same two flags report the reply and it stays up', async () => {
    await setFlags({ threshold: 2, hideAtThreshold: false });
    const r = await publishedReply('The council should publish the minutes.');
    await flag(r.id);
    await flag(r.id);
    await eventually(async () => {
      const page = (await sys.http.get(`/moderation/queues/reported?articleId=${article}`).set('Authorization', moderator).expect(200)).body;
      expect(page.items.map((i: { id: string }) => i.id)).toContain(r.id);
    });
    // A reaction after the flags: once the thread counts it, the thread has had the flags too.
    await sys.http.put(`/replies/${r.id}/reactions/like`).set('Authorization', reader()).expect((res) => expect(res.status).toBeLessThan(300));
    const item = await eventually(async () => {
      const items = (await sys.http.get(`/articles/${article}/replies?limit=100`).expect(200)).body.items as { id: string; reactions: { like: number } }[];
      const found = items.find((i) => i.id === r.id);
      expect(found?.reactions.like).toBe(1);
      return found;
    });
    expect(item).toMatchObject({ id: r.id, status: 'published' });
    expect(await detail(r.id)).toMatchObject({ hiddenByFlags: false, flags: 2 });
  });
});
