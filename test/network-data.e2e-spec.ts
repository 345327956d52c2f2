import { keyedHash, NetworkData } from '@app/platform';
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { freePort } from './support/own-server';
import { eventually, SEED_ARTICLE_ID, startSystem, System, TEST_REDIS_URL, tokenFor } from './support/system';

const A = SEED_ARTICLE_ID;
const commitOf = (replyId: string) => `reply-${replyId}:1`;

/** A guest's submission as a browser behind our proxy sends it. */
const submitAsGuest = (sys: System, network: { address: string; userAgent: string }, body = 'Thanks for the reporting.') =>
  sys.http
    .post(`/articles/${A}/replies`)
    .set('X-Forwarded-For', network.address)
    .set('User-Agent', network.userAgent)
    .send({ body, author: { name: 'Dana', email: 'dana@example.org' } });

/** Every value of every key in this Redis, as text; other runs' keys included, read only. */
async function everyRedisValue(redis: Redis): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      const read: Record<string, () => Promise<unknown>> = {
        string: () => redis.get(key),
        hash: () => redis.hgetall(key),
        list: () => redis.lrange(key, 0, -1),
        set: () => redis.smembers(key),
        zset: () => redis.zrange(key, 0, '-1', 'WITHSCORES'),
        stream: () => redis.xrange(key, '-', '+'),
      };
      if (read[type]) values.set(key, JSON.stringify(await read[type]()));
    }
  } while (cursor !== '0');
  return values;
}

describe('network data of a submission', () => {
  let sys: System;
  let redis: Redis;
  // Unique to this run, so a hit anywhere can only come from this test.
  const address = `203.0.113.${1 + (randomBytes(1)[0] % 254)}`;
  const userAgent = `Mozilla/5.0 (NetworkDataTest ${randomUUID()}) Gecko/20100101 Firefox/140.0`;
  let replyId: string;

  beforeAll(async () => {
    sys = await startSystem({ env: { TRUST_PROXY: 'loopback' } });
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    const res = await submitAsGuest(sys, { address, userAgent }).expect(202);
    replyId = res.body.id;
    // Wait for the views, so the scans below see them written.
    await eventually(async () => {
      const thread = await sys.http.get(`/articles/${A}/replies?limit=100`).expect(200);
      expect(thread.body.items.map((i: { id: string }) => i.id)).toContain(replyId);
    });
  });
  afterAll(async () => {
    redis.disconnect();
    await sys.stop();
  });

  it('is one Redis hash for the reply version, expiring within the retention period', async () => {
    const key = `${sys.config.QUEUE_PREFIX}:network:${commitOf(replyId)}`;
    expect(await redis.hgetall(key)).toEqual({
      address,
      userAgent,
      addressHash: keyedHash(sys.config.HASH_KEY, 'address', address),
      userAgentHash: keyedHash(sys.config.HASH_KEY, 'user-agent', userAgent),
    });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(48 * 3600);
    expect(await sys.app.get(NetworkData).get(commitOf(replyId))).toMatchObject({ address, userAgent });
  });

  it('is in no document of any collection', async () => {
    const collections = await sys.db.listCollections().toArray();
    expect(collections.map((c) => c.name)).toEqual(expect.arrayContaining(['commits']));
    let documents = 0;
    for (const { name } of collections) {
      for (const doc of await sys.db.collection(name).find({}).toArray()) {
        documents += 1;
        const text = JSON.stringify(doc);
        expect(text).not.toContain(address);
        expect(text).not.toContain(userAgent);
      }
    }
    // The reply's commit and its views were among them.
    expect(documents).toBeGreaterThan(3);
    const commit = await sys.db.collection<{ _id: string }>('commits').findOne({ _id: commitOf(replyId) });
    expect(commit).not.toBeNull();
  });

  it('is in no other Redis key', async () => {
    const own = `${sys.config.QUEUE_PREFIX}:network:${commitOf(replyId)}`;
    const values = await everyRedisValue(redis);
    expect(values.has(own)).toBe(true);
    for (const [key, value] of values) {
      if (key === own) continue;
      expect({ key, hasAddress: value.includes(address), hasUserAgent: value.includes(userAgent) }).toEqual({ key, hasAddress: false, hasUserAgent: false });
    }
  });

  it('is recorded for a signed-in reader too, and again, harmlessly, on a retry with the same Idempotency-Key', async () => {
    const key = randomUUID();
    const send = () =>
      sys.http
        .post(`/articles/${A}/replies`)
        .set('Authorization', `Bearer ${tokenFor(sys.config, 'reader', 'rosa', 'Rosa')}`)
        .set('Idempotency-Key', key)
        .set('X-Forwarded-For', '2001:DB8::7')
        .set('User-Agent', 'ReaderApp/2.1')
        .send({ body: 'A signed-in reply.' });
    const first = await send().expect(202);
    const retry = await send().expect(202);
    expect(retry.body.id).toBe(first.body.id);
    expect(await sys.app.get(NetworkData).get(commitOf(first.body.id))).toMatchObject({ address: '2001:db8::7', userAgent: 'ReaderApp/2.1' });
  });

  it('cuts a huge user agent and a forged address instead of storing them whole', async () => {
    const hugeAgent = `Hostile/1.0 ${'A'.repeat(8 * 1024)}`;
    const forged = 'f'.repeat(3000); // not an address: the proxy-trust walk stops at it and takes it
    const res = await submitAsGuest(sys, { address: forged, userAgent: hugeAgent }, 'A hostile one.').expect(202);
    const stored = (await sys.app.get(NetworkData).get(commitOf(res.body.id)))!;
    expect(stored.userAgent).toBe(hugeAgent.slice(0, 512));
    expect(stored.address!.length).toBeLessThanOrEqual(64);
    expect(stored.userAgentHash).toBe(keyedHash(sys.config.HASH_KEY, 'user-agent', hugeAgent.slice(0, 512)));
  });

  it('goes when forgotten (erasure of a commenter)', async () => {
    const network = sys.app.get(NetworkData);
    const res = await submitAsGuest(sys, { address: '198.51.100.9', userAgent: 'ForgetMe/1.0' }, 'Soon forgotten.').expect(202);
    expect(await network.get(commitOf(res.body.id))).not.toBeNull();
    expect(await network.forget([commitOf(res.body.id), commitOf('never-submitted')])).toBe(1);
    expect(await network.get(commitOf(res.body.id))).toBeNull();
    expect(await redis.exists(`${sys.config.QUEUE_PREFIX}:network:${commitOf(res.body.id)}`)).toBe(0);
  });
});

describe('with NETWORK_DATA_RETENTION_HOURS=1', () => {
  let sys: System;
  let redis: Redis;
  beforeAll(async () => {
    sys = await startSystem({ worker: false, env: { NETWORK_DATA_RETENTION_HOURS: '1' } });
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    redis.disconnect();
    await sys.stop();
  });

  it('expires within the hour', async () => {
    const res = await submitAsGuest(sys, { address: '198.51.100.2', userAgent: 'OneHour/1.0' }).expect(202);
    const ttl = await redis.ttl(`${sys.config.QUEUE_PREFIX}:network:${commitOf(res.body.id)}`);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
  });
});

describe('while Redis refuses connections', () => {
  let sys: System;
  beforeAll(async () => {
    sys = await startSystem({ worker: false, env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
  });
  afterAll(() => sys.stop());

  it('submissions are still accepted, without delay, and nothing is recorded', async () => {
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await submitAsGuest(sys, { address: '198.51.100.3', userAgent: 'NoRedis/1.0' }, `Accepted anyway ${i}.`).timeout(5_000);
      expect(res.status).toBe(202);
      // The queue wake-up may take its own 300 ms (0004); recording adds at most 250 ms more.
      expect(Date.now() - started).toBeLessThan(1_500);
      await expect(sys.app.get(NetworkData).get(commitOf(res.body.id))).rejects.toThrow();
    }
  });
});
