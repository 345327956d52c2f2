import { liveViewNames, ViewCollections } from '@app/read-models';
import { randomBytes } from 'node:crypto';
import { eventually, RELAXED_POLICY, startSystem, System, tokenFor } from './support/system';

/** POST /admin/verifications: every view against a rebuild from the log, as a job. */
let sys: System;
let admin: string;

beforeAll(async () => {
  sys = await startSystem({ env: { MODERATION_POLICY: RELAXED_POLICY } });
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
});
afterAll(() => sys.stop());

const reader = () => `Bearer ${tokenFor(sys.config, 'reader', `r-${randomBytes(3).toString('hex')}`, 'R')}`;
const verify = async (body: object) => {
  const res = await sys.http.post('/admin/verifications').set('Authorization', admin).send(body).expect(202);
  expect(res.headers.location).toBe(`/admin/verifications/${res.body.id}`);
  return eventually(async () => {
    const v = (await sys.http.get(res.headers.location).set('Authorization', admin).expect(200)).body;
    expect(v.state).toBe('done');
    return v;
  }, 60_000);
};

async function articleWithReplies() {
  const id = `verify-${randomBytes(3).toString('hex')}`;
  await sys.http.post('/articles').set('Authorization', admin).send({ id, title: 'Checked', author: 'E', category: 'News', body: ['p'] }).expect(202);
  const replies = [];
  for (let i = 0; i < 2; i++) replies.push((await sys.http.post(`/articles/${id}/replies`).set('Authorization', reader()).send({ body: `reply ${i} to check` }).expect(202)).body.id);
  await eventually(async () => expect((await sys.http.get(`/articles/${id}`).expect(200)).body.stats.replies).toBe(2), 20_000);
  // Every projector done with them (the detail shows the verdict): nothing moves under the check.
  for (const r of replies) await eventually(async () => expect((await sys.http.get(`/replies/${r}`).set('Authorization', admin).expect(200)).body.status).toBe('published'), 20_000);
  return id;
}

it('a healthy system has no difference from a rebuild of every view', async () => {
  await articleWithReplies();
  const v = await verify({});
  expect(v).toMatchObject({ state: 'done', differenceCount: 0, differences: [], error: null, requestedBy: { kind: 'admin' } });
  expect(v.projections).toEqual(expect.arrayContaining(['thread', 'article-views', 'reply-details']));
  expect(v.documents).toBeGreaterThan(5);
});

it('reports an injected drift exactly: the document, the field, the live and the rebuilt value', async () => {
  const articleId = await articleWithReplies();
  const collection = liveViewNames().collection(ViewCollections.articles);
  await sys.db.collection(collection).updateOne({ _id: articleId as never }, { $set: { title: 'Tampered' } });
  const v = await verify({ projection: 'article-views' });
  expect(v.projections).toEqual(['article-views']);
  expect(v.differences).toEqual([{ collection, id: articleId, field: 'title', live: 'Tampered', rebuilt: 'Checked' }]);
  expect(v.differenceCount).toBe(1);
});

it('is for admins only, and refuses bad input', async () => {
  const moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'm', 'M')}`;
  for (const [auth, status] of [[undefined, 401], [reader(), 403], [moderator, 403]] as const) {
    const req = sys.http.post('/admin/verifications').send({});
    expect((await (auth ? req.set('Authorization', auth) : req)).status).toBe(status);
    const get = sys.http.get('/admin/verifications/3b241101-e2bb-4255-8caf-4136c566a962');
    expect((await (auth ? get.set('Authorization', auth) : get)).status).toBe(status);
  }
  for (const body of [{ projection: 'everything' }, { projection: null }, { projection: ['thread'] }, { projection: { $ne: 'x' } }, { extra: true }]) {
    expect([body, (await sys.http.post('/admin/verifications').set('Authorization', admin).send(body)).status]).toEqual([body, 400]);
  }
  expect((await sys.http.get('/admin/verifications/nope').set('Authorization', admin)).status).toBe(400);
  expect((await sys.http.get('/admin/verifications/3b241101-e2bb-4255-8caf-4136c566a962').set('Authorization', admin)).status).toBe(404);
});

describe('npm run admin -- verify', () => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['dist/apps/admin-cli/src/main.js', 'verify', ...args], {
      env: { ...process.env, MONGO_URL: sys.config.MONGO_URL, REDIS_URL: sys.config.REDIS_URL, QUEUE_PREFIX: sys.config.QUEUE_PREFIX, SEED_ARTICLE: 'false' },
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('prints every difference with a progress bar, and exits 1 when there is one, 0 when there is none', async () => {
    const articleId = await articleWithReplies();
    const clean = cli('--projection', 'thread');
    expect(clean.status).toBe(0);
    // The bar on stderr (a terminal sees it move), the report on stdout.
    expect(clean.stderr).toMatch(/thread@\d+ \[.*\] (\d+)\/\1 log positions/);
    expect(clean.stdout).toMatch(/\d+ documents compared, \d+ written since \(not compared\), 0 differences/);

    const collection = liveViewNames().collection(ViewCollections.articles);
    await sys.db.collection(collection).updateOne({ _id: articleId as never }, { $set: { title: 'Tampered again' } });
    const drift = cli('-p', 'article-views');
    expect(drift.status).toBe(1);
    expect(drift.stdout).toContain(`${collection} ${articleId} title: live "Tampered again", rebuilt "Checked"`);
    const bad = cli('--projection', 'nope');
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('--projection must be one of')]);
  });
});
