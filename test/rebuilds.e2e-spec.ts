import { CheckpointDocument, EventStoreCollections, LEASES, LOG_READER } from '@app/event-store';
import { aliasFlipsChannel, liveProjections, RebuildCollections, RebuildRunner, VIEW_ALIASES, ViewAliasDocument } from '@app/read-models';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Supervised } from '../chaos/processes';
import { eventually, RELAXED_POLICY, startSystem, System, tokenFor } from './support/system';

/** POST /admin/rebuilds: views rebuilt from the log into a new generation while readers read and write. */
let sys: System;
let admin: string;
jest.setTimeout(240_000);

beforeAll(async () => {
  // Short leases (as in the chaos run) and alias polls: retired views may be dropped a few seconds after a flip.
  sys = await startSystem({ env: { LEASE_TTL_MS: '2000', LEASE_MARGIN_MS: '800', STORE_TIMEOUT_MS: '600', VIEW_ALIAS_POLL_MS: '1000' } });
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
});
afterAll(() => sys.stop());
let flipListener: Redis | null = null;
afterAll(() => flipListener?.disconnect());

const reader = (n = randomBytes(3).toString('hex')) => `Bearer ${tokenFor(sys.config, 'reader', `r-${n}`, `R ${n}`)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Target {
  projection: string;
  generation: string;
  consumer: string;
  state: string;
  position: number;
  head: number;
  events: number;
  resumedFrom: number | null;
  previous: string | null;
  previousDropped: { why: string } | null;
}
interface Rebuild {
  id: string;
  state: string;
  targets: Target[];
  progress: { done: number; total: number; eventsPerSecond: number | null; etaSeconds: number | null };
}

const rebuildOf = async (id: string, via = sys): Promise<Rebuild> => (await via.http.get(`/admin/rebuilds/${id}`).set('Authorization', admin).expect(200)).body;
const until = (id: string, check: (r: Rebuild) => boolean, ms = 60_000, via = sys) =>
  eventually(async () => {
    const r = await rebuildOf(id, via);
    if (!check(r)) throw new Error(`rebuild ${id} is ${r.state}: ${JSON.stringify(r.targets.map((t) => [t.projection, t.state, t.position, t.head]))}`);
    return r;
  }, ms);

async function article(prefix: string, via = sys): Promise<string> {
  const id = `${prefix}-${randomBytes(3).toString('hex')}`;
  await via.http.post('/articles').set('Authorization', admin).send({ id, title: 'Rebuilt', author: 'E', category: 'News', body: ['p'] }).expect(202);
  await eventually(async () => void (await via.http.get(`/articles/${id}`).expect(200)));
  return id;
}

async function submit(articleId: string, n: number, via = sys): Promise<string[]> {
  const ids: string[] = [];
  // Ten at a time, as readers do.
  for (let i = 0; i < n; i += 10) {
    const batch = Array.from({ length: Math.min(10, n - i) }, (_, j) => via.http.post(`/articles/${articleId}/replies`).set('Authorization', reader()).send({ body: `reply ${i + j} of ${n}` }).expect(202));
    for (const res of await Promise.all(batch)) ids.push(res.body.id);
  }
  return ids;
}

/** Every reply public exactly once in the thread, and counted once. */
async function threadHoldsExactly(articleId: string, ids: string[], via = sys): Promise<void> {
  await eventually(async () => {
    const stats = (await via.http.get(`/articles/${articleId}`).expect(200)).body.stats;
    expect(stats.replies).toBe(ids.length);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await via.http.get(`/articles/${articleId}/replies?sort=oldest&limit=100${cursor ? `&cursor=${cursor}` : ''}`).expect(200)).body;
      seen.push(...page.items.map((i: { id: string }) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
  }, 60_000);
}

async function verifyClean(via = sys, projection = 'all'): Promise<void> {
  const res = await via.http.post('/admin/verifications').set('Authorization', admin).send({ projection }).expect(202);
  const v = await eventually(async () => {
    const body = (await via.http.get(res.headers.location).set('Authorization', admin).expect(200)).body;
    expect(body.state).toBe('done');
    return body;
  }, 120_000);
  expect(v.differences).toEqual([]);
}

const collections = async (via = sys) => (await via.db.listCollections().toArray()).map((c) => c.name);

it('rebuilds every view during a steady load of submissions: nothing lost or doubled across the flip, equal to a from-scratch rebuild', async () => {
  const articleId = await article('steady');
  const ids = await submit(articleId, 20);
  await threadHoldsExactly(articleId, ids);

  // Every process hears of each flip at once (its poll only covers a lost notice).
  const flips: string[] = [];
  const listener = (flipListener = new Redis(sys.config.REDIS_URL));
  await listener.subscribe(aliasFlipsChannel(sys.config.QUEUE_PREFIX));
  listener.on('message', (_channel: string, alias: string) => flips.push(alias));

  let loading = true;
  const load = (async () => {
    while (loading) {
      ids.push(...(await submit(articleId, 1)));
      await sleep(30);
    }
  })();
  const res = await sys.http.post('/admin/rebuilds').set('Authorization', admin).send({ projection: 'all' }).expect(202);
  expect(res.headers.location).toBe(`/admin/rebuilds/${res.body.id}`);
  expect(res.body.targets.map((t: Target) => t.projection).sort()).toEqual(liveProjections().map((p) => p.name).sort());
  // Progress shows while it runs: positions done of the head, a rate and the time left.
  const running = await until(res.body.id, (r) => r.state === 'running' && r.progress.done > 0 && r.progress.eventsPerSecond !== null);
  expect(running.progress.total).toBeGreaterThanOrEqual(running.progress.done);
  // Readers read while it runs.
  await sys.http.get(`/articles/${articleId}/replies`).expect(200);
  const done = await until(res.body.id, (r) => r.state === 'done', 120_000);
  expect(done.targets.every((t) => t.state === 'flipped' && t.previous === '')).toBe(true);
  await sleep(1_500); // submissions go on after the flip
  loading = false;
  await load;

  // Readers read the new generation, which the live projectors now keep.
  const generation = done.targets[0].generation;
  const aliases = await sys.db.collection<ViewAliasDocument>(VIEW_ALIASES).find({}).toArray();
  expect(aliases.map((a) => a.generation)).toEqual(liveProjections().map(() => generation));
  expect(new Set(flips)).toEqual(new Set(aliases.map((a) => a._id)));
  await threadHoldsExactly(articleId, ids);
  const checkpoints = await sys.db.collection<CheckpointDocument>(EventStoreCollections.checkpoints).find({}).toArray();
  const thread = done.targets.find((t) => t.projection === 'thread')!;
  expect(checkpoints.find((c) => c._id === thread.consumer)!.position).toBeGreaterThan(thread.position);
  // The old generation stopped at the flip: its checkpoint stays behind the new one's.
  const old = checkpoints.find((c) => c._id === thread.consumer.replace(`_${generation}`, ''))!;
  expect(old.position).toBeLessThan(checkpoints.find((c) => c._id === thread.consumer)!.position);
  // Equal to a from-scratch rebuild after the load.
  await verifyClean();
});

it('a cancelled rebuild leaves the live views as they were and drops what it built', async () => {
  const articleId = await article('cancel');
  const ids = await submit(articleId, 30);
  await threadHoldsExactly(articleId, ids);
  const aliasesBefore = await sys.db.collection(VIEW_ALIASES).find({}).toArray();
  const res = await sys.http.post('/admin/rebuilds').set('Authorization', admin).send({ projection: 'thread', batchSize: 1 }).expect(202);
  expect(res.body.batchSize).toBe(1);
  // One rebuild of a projection at a time.
  expect((await sys.http.post('/admin/rebuilds').set('Authorization', admin).send({ projection: 'thread' })).status).toBe(409);
  // Cancelled at once: the run looks after its first slice of replay (it has built some views
  // by then) and before any flip, so it never flips, however fast this machine replays.
  await sys.http.post(`/admin/rebuilds/${res.body.id}/cancel`).set('Authorization', admin).expect(202);
  const cancelled = await until(res.body.id, (r) => r.state === 'cancelled');
  expect(cancelled.targets[0].state).toBe('cancelled');

  expect(await sys.db.collection(VIEW_ALIASES).find({}).toArray()).toEqual(aliasesBefore);
  const generation = cancelled.targets[0].generation;
  expect((await collections()).filter((c) => c.endsWith(`_${generation}`))).toEqual([]);
  expect(await sys.db.collection(EventStoreCollections.checkpoints).findOne({ _id: cancelled.targets[0].consumer as never })).toBeNull();
  await threadHoldsExactly(articleId, ids);
  expect((await sys.http.post(`/admin/rebuilds/${res.body.id}/cancel`).set('Authorization', admin)).status).toBe(409);
  // The projection is free again.
  const again = await sys.http.post('/admin/rebuilds').set('Authorization', admin).send({ projection: 'thread' }).expect(202);
  await until(again.body.id, (r) => r.state === 'done', 120_000);
  await threadHoldsExactly(articleId, ids);
});

it('keeps the replaced views until an admin drops them, and never drops the live ones', async () => {
  const res = await sys.http.post('/admin/rebuilds').set('Authorization', admin).send({ projection: 'article-views' }).expect(202);
  const done = await until(res.body.id, (r) => r.state === 'done', 120_000);
  const [target] = done.targets;
  const retired = (await collections()).filter((c) => c.startsWith('article_views__v') && (target.previous ? c.endsWith(`_${target.previous}`) : !c.includes('_r')));
  expect(retired).toHaveLength(1);
  // Not at once: another process may still read them until it has seen the flip.
  const early = await sys.http.delete(`/admin/rebuilds/${res.body.id}/retired-views`).set('Authorization', admin);
  expect([early.status, early.body.detail]).toEqual([409, expect.stringContaining('may still be read')]);
  expect(await collections()).toContain(retired[0]);
  const drop = await eventually(async () => (await sys.http.delete(`/admin/rebuilds/${res.body.id}/retired-views`).set('Authorization', admin).expect(202)), 20_000);
  expect(drop.body.dropping).toEqual([{ projection: 'article-views', generation: target.previous }]);
  const dropped = await until(res.body.id, (r) => r.targets[0].previousDropped !== null);
  expect(dropped.targets[0].previousDropped).toMatchObject({ why: 'admin' });
  const now = await collections();
  expect(now).not.toContain(retired[0]);
  expect(now).toContain(`article_views__v${liveProjections().find((p) => p.name === 'article-views')!.version}_${target.generation}`);
  await sys.http.get('/articles').expect(200);
  expect((await sys.http.delete(`/admin/rebuilds/${res.body.id}/retired-views`).set('Authorization', admin)).status).toBe(409);
});

it('two runs of one rebuild at once (a stalled job taken again while the first still runs) flip once and record it right', async () => {
  const before = await sys.db.collection<ViewAliasDocument>(VIEW_ALIASES).findOne({ _id: `reply-details@${liveProjections().find((p) => p.name === 'reply-details')!.version}` });
  const res = await sys.http.post('/admin/rebuilds').set('Authorization', admin).send({ projection: 'reply-details', batchSize: 2 }).expect(202);
  const second = new RebuildRunner(sys.db, sys.app.get(LOG_READER), sys.app.get(LEASES), sys.config.leaseTiming, 2);
  const [ended] = await Promise.all([second.run(res.body.id), until(res.body.id, (r) => r.state === 'done', 120_000)]);
  const done = await until(res.body.id, (r) => r.state === 'done');
  expect(ended?.state).toBe('done');
  const [target] = done.targets;
  const alias = await sys.db.collection<ViewAliasDocument>(VIEW_ALIASES).findOne({ _id: `reply-details@${target.consumer.split('@')[1].split('_')[0]}` });
  // Flipped once: from what readers read before, to this rebuild's generation.
  expect(alias).toMatchObject({ generation: target.generation, previous: before?.generation ?? '', rebuildId: res.body.id });
  expect(target).toMatchObject({ state: 'flipped', previous: before?.generation ?? '' });
  expect(await sys.db.collection(RebuildCollections.locks).findOne({ _id: 'reply-details' as never })).toBeNull();
});

it('is for admins only, refuses bad input and side-effect consumers', async () => {
  const moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'm', 'M')}`;
  const unknown = '3b241101-e2bb-4255-8caf-4136c566a962';
  for (const [auth, status] of [[undefined, 401], [reader(), 403], [moderator, 403]] as const) {
    for (const req of [
      sys.http.post('/admin/rebuilds').send({ projection: 'thread' }),
      sys.http.get('/admin/rebuilds'),
      sys.http.get(`/admin/rebuilds/${unknown}`),
      sys.http.post(`/admin/rebuilds/${unknown}/cancel`),
      sys.http.delete(`/admin/rebuilds/${unknown}/retired-views`),
    ]) {
      expect((await (auth ? req.set('Authorization', auth) : req)).status).toBe(status);
    }
  }
  const before = await sys.db.collection(RebuildCollections.rebuilds).countDocuments({});
  for (const body of [{ projection: 'screening-dispatcher' }, { projection: 'commenter-ledger' }, { projection: 'moderation-jobs' }, { projection: 'thread@1' }, { projection: null }, { projection: ['thread'] }, { projection: { $ne: 'x' } }, { projection: 'thread', extra: 1 }, { projection: 'thread\u200b' }, { projection: 'thread', batchSize: 0 }, { projection: 'thread', batchSize: '5' }, { projection: 'thread', batchSize: 1e9 }, { projection: 'thread', batchSize: 2.5 }, { projection: 'thread', batchSize: null }]) {
    expect([body, (await sys.http.post('/admin/rebuilds').set('Authorization', admin).send(body)).status]).toEqual([body, 400]);
  }
  expect(await sys.db.collection(RebuildCollections.rebuilds).countDocuments({})).toBe(before);
  expect((await sys.http.get('/admin/rebuilds/nope').set('Authorization', admin)).status).toBe(400);
  expect((await sys.http.get(`/admin/rebuilds/${unknown}`).set('Authorization', admin)).status).toBe(404);
  expect((await sys.http.post(`/admin/rebuilds/${unknown}/cancel`).set('Authorization', admin)).status).toBe(404);
  const list = (await sys.http.get('/admin/rebuilds').set('Authorization', admin).expect(200)).body.rebuilds;
  expect(list.length).toBeGreaterThan(0);
});

describe('a worker killed mid-rebuild', () => {
  let api: System;
  let worker: Supervised;

  beforeAll(async () => {
    api = await startSystem({ worker: false, env: { VIEW_ALIAS_POLL_MS: '1000' } });
    const c = api.config;
    worker = new Supervised(
      'worker',
      process.execPath,
      ['dist/apps/worker/src/main.js'],
      { ...process.env, MONGO_URL: c.MONGO_URL, REDIS_URL: c.REDIS_URL, QUEUE_PREFIX: c.QUEUE_PREFIX, POLL_INTERVAL_MS: '100', MARKER_GRACE_MS: '10000', RETIRED_VIEWS_DROP_AFTER_MS: '0', VIEW_ALIAS_POLL_MS: '1000', LEASE_TTL_MS: '2000', LEASE_MARGIN_MS: '800', STORE_TIMEOUT_MS: '600', MODERATION_POLICY: RELAXED_POLICY },
      '/tmp/rebuild-kill-worker.log',
      500,
    );
    worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    await api.stop();
  });

  it('resumes from its checkpoint in the worker that takes the job, and flips as if nothing happened', async () => {
    const articleId = await article('killed', api);
    const ids = await submit(articleId, 150, api);
    await threadHoldsExactly(articleId, ids, api);
    const res = await api.http.post('/admin/rebuilds').set('Authorization', admin).send({ projection: 'thread', batchSize: 1 }).expect(202);
    // Killed as soon as its checkpoint shows a first batch done (progress reports come only every second).
    const consumer = res.body.targets[0].consumer as string;
    const checkpoints = api.db.collection<CheckpointDocument>(EventStoreCollections.checkpoints);
    await eventually(async () => expect((await checkpoints.findOne({ _id: consumer }))?.position ?? 0).toBeGreaterThan(0), 60_000);
    expect(worker.kill()).toBe(true);
    const at = (await checkpoints.findOne({ _id: consumer }))!.position;
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(ids.length);
    const done = await until(res.body.id, (r) => r.state === 'done', 120_000, api);
    expect(done.targets[0].resumedFrom).toBeGreaterThanOrEqual(at);
    ids.push(...(await submit(articleId, 3, api)));
    await threadHoldsExactly(articleId, ids, api);
    await verifyClean(api, 'thread');
    // No delay set here: the replaced views go once every process has moved over and verify has found the new ones clean.
    const dropped = await until(res.body.id, (r) => r.targets[0].previousDropped !== null, 60_000, api);
    expect(dropped.targets[0].previousDropped).toMatchObject({ why: 'verified-clean' });
    expect((await collections(api)).filter((c) => c.startsWith('thread_') && !c.endsWith(`_${done.targets[0].generation}`))).toEqual([]);
  });
});

describe('npm run admin -- rebuild', () => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['dist/apps/admin-cli/src/main.js', 'rebuild', ...args], {
      env: { ...process.env, MONGO_URL: sys.config.MONGO_URL, REDIS_URL: sys.config.REDIS_URL, QUEUE_PREFIX: sys.config.QUEUE_PREFIX, SEED_ARTICLE: 'false' },
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('rebuilds with a progress bar, flips, and prints the rate and peak memory', async () => {
    const articleId = await article('cli');
    const ids = await submit(articleId, 5);
    await threadHoldsExactly(articleId, ids);
    const run = cli('--projection', 'moderation-log');
    expect([run.status, run.stderr]).toEqual([0, expect.stringMatching(/moderation-log \[.*\] (\d+)\/\1 log positions/)]);
    expect(run.stdout.trim().split('\n').pop()).toMatch(/^rebuilt moderation-log: \d+ events in [\d.]+ s, \d+ events\/s, peak memory \d+ MB$/);
    const id = /rebuild ([0-9a-f-]{36})/.exec(run.stdout)![1];
    const r = await rebuildOf(id);
    expect(r.targets[0]).toMatchObject({ state: 'flipped', projection: 'moderation-log' });
    const alias = await sys.db.collection<ViewAliasDocument>(VIEW_ALIASES).findOne({ _id: `moderation-log@${liveProjections().find((p) => p.name === 'moderation-log')!.version}` });
    expect(alias?.generation).toBe(r.targets[0].generation);
    const bad = cli('--projection', 'screening-dispatcher');
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('--projection must be all or one of')]);
  });
});
