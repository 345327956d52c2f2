import { threadBucketId, ViewChangeSubscriber, ViewCollections, ViewDocumentCache, viewChangesChannel, ViewNames } from '@app/read-models';
import Redis from 'ioredis';
import { eventually as until, SEED_ARTICLE_ID, startSystem, System, tokenFor, TEST_REDIS_URL } from './support/system';

const A = SEED_ARTICLE_ID;
const TTL_MS = 1_500;
let sys: System;
let cache: ViewDocumentCache;
let redis: Redis;
let reader: string;

beforeAll(async () => {
  sys = await startSystem({ env: { VIEW_CACHE_TTL_MS: String(TTL_MS) } });
  cache = sys.app.get(ViewDocumentCache);
  redis = new Redis(TEST_REDIS_URL);
  reader = `Bearer ${tokenFor(sys.config, 'reader', 'cached-reader', 'Cass')}`;
  await until(async () => expect(cache.active).toBe(true));
}, 60_000);
afterAll(async () => {
  redis?.disconnect();
  await sys?.stop();
});

const page = async () => (await sys.http.get(`/articles/${A}/replies?sort=newest&limit=20`).expect(200)).body.items as { id: string; body: string }[];

async function published(body: string): Promise<string> {
  const id = (await sys.http.post(`/articles/${A}/replies`).set('Authorization', reader).send({ body }).expect(202)).body.id as string;
  await until(async () => expect((await page()).map((r) => r.body)).toContain(body));
  return id;
}

/** Rewrites a reply's text in the thread bucket behind the writers' backs: no notice is sent. */
async function rewriteBehindTheCache(replyId: string, body: string): Promise<void> {
  const buckets = sys.db.collection<{ _id: string; items: { id: string; body: string }[] }>(sys.app.get(ViewNames).collection(ViewCollections.threadBuckets));
  const doc = (await buckets.findOne({ _id: threadBucketId(A, 0) }))!;
  await buckets.replaceOne({ _id: doc._id }, { ...doc, items: doc.items.map((r) => (r.id === replyId ? { ...r, body } : r)) });
}

/** The subscriber's own connection, found by its name and closed by Redis, as a failover or a network cut would. */
async function killSubscriber(): Promise<void> {
  const list = (await redis.client('LIST')) as string;
  const name = `${sys.config.QUEUE_PREFIX}:view-changes`;
  const ids = list
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /(?:^|\s)id=(\d+)/.exec(line)![1]);
  expect(ids.length).toBe(1);
  await redis.client('KILL', 'ID', ids[0]);
}

describe('the thread documents cache', () => {
  it('serves pages from memory, and a new reply as soon as the thread writer announces it', async () => {
    await published('The first reply the cache will hold.');
    await page();
    const before = { ...cache.stats };
    for (let i = 0; i < 5; i++) await page();
    // Every document of those five pages came from memory.
    expect(cache.stats.misses).toBe(before.misses);
    expect(cache.stats.hits).toBeGreaterThanOrEqual(before.hits + 5);
    await published('A second reply, announced by the writer.');
    expect(cache.stats.refreshes).toBeGreaterThan(before.refreshes);
  });

  it('a change without a notice (a lost one) shows within the TTL', async () => {
    const id = await published('Text the store will change quietly.');
    await page();
    await rewriteBehindTheCache(id, 'Changed where no notice tells.');
    // A cache that kept documents until a notice came would never show it.
    await until(async () => expect((await page()).find((r) => r.id === id)?.body).toBe('Changed where no notice tells.'), TTL_MS * 4);
  });

  it('forgets everything when its Redis connection drops, reads the store meanwhile, and resumes once subscribed again', async () => {
    const id = await published('Held in memory until the connection drops.');
    await page();
    expect(cache.size).toBeGreaterThan(0);
    await killSubscriber();
    await until(async () => expect(cache.size).toBe(0));
    await rewriteBehindTheCache(id, 'Changed while the cache was off.');
    expect((await page()).find((r) => r.id === id)?.body).toBe('Changed while the cache was off.');
    await until(async () => expect(cache.active).toBe(true));
    await page();
    const misses = cache.stats.misses;
    await page();
    expect(cache.stats.misses).toBe(misses);
  });

  it('something unreadable on its channel empties it (it no longer knows what changed), and it carries on', async () => {
    const id = await published('Before the garbage.');
    await page();
    expect(cache.size).toBeGreaterThan(0);
    await rewriteBehindTheCache(id, 'Changed before the garbage.');
    await redis.publish(viewChangesChannel(sys.config.QUEUE_PREFIX), '{"not":"a notice"');
    await until(async () => expect(cache.size).toBe(0));
    expect((await page()).find((r) => r.id === id)?.body).toBe('Changed before the garbage.');
    expect(cache.active).toBe(true);
  });

  it('is only fed in the API: the subscriber is its provider, named for this deployment', () => {
    expect(sys.app.get(ViewChangeSubscriber)).toBeInstanceOf(ViewChangeSubscriber);
  });
});
