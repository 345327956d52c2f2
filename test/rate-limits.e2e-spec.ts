import { EventStoreCollections } from '@app/event-store';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { idempotentReplyId } from '../apps/api/src/shared/ids';
import { freePort } from './support/own-server';
import { eventually, SEED_ARTICLE_ID, startSystem, System, TEST_REDIS_URL, tokenFor, uniqueName, verdictOn } from './support/system';

// Real Redis, real store, through HTTP. startSystem puts every limit out of reach; each block
// here lowers the ones it tests. Nothing asserts on timings: a reset is waited for.
const A = SEED_ARTICLE_ID;

const asReader = (sys: System, sub: string) => `Bearer ${tokenFor(sys.config, 'reader', sub, sub)}`;

const submit = (sys: System, sub: string, body = `A reply ${randomUUID()}`) =>
  sys.http.post(`/articles/${A}/replies`).set('Authorization', asReader(sys, sub)).send({ body });

const submitFrom = (sys: System, address: string, sub: string) => submit(sys, sub).set('X-Forwarded-For', address);

const commits = (sys: System) => sys.db.collection(EventStoreCollections.commits).countDocuments({});

/** A 429 as the API conventions say: problem+json, a whole number of seconds within the window. */
function expectTooMany(res: request.Response, windowSeconds: number, detail: RegExp): void {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
  expect(res.body.detail).toMatch(detail);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  const seconds = Number(res.headers['retry-after']);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(windowSeconds);
}

async function rateLimitKeys(prefix: string): Promise<string[]> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:rate-limit:*`, 'COUNT', 500);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  } finally {
    redis.disconnect();
  }
}

describe('per commenter, counted once for two API replicas sharing Redis', () => {
  let one: System;
  let two: System;
  const prefix = uniqueName('limits');

  beforeAll(async () => {
    const database = uniqueName('limits');
    const env = { QUEUE_PREFIX: prefix, RATE_LIMIT_SUBMIT_PER_COMMENTER: '3' };
    one = await startSystem({ database, worker: false, env });
    two = await startSystem({ database, worker: false, env });
  });
  afterAll(() => Promise.all([one.stop(), two.stop()]));

  it('a reader gets 3 replies in a window whichever replica takes them, then 429 with Retry-After; others go on', async () => {
    await submit(one, 'alice').expect(202);
    await submit(two, 'alice').expect(202);
    await submit(one, 'alice').expect(202);
    expectTooMany(await submit(two, 'alice'), 60, /too many replies from you/);
    expectTooMany(await submit(one, 'alice'), 60, /too many replies from you/);
    await submit(two, 'bob').expect(202);
  });

  it('a refused submission stores nothing: no event, and its Idempotency-Key is still free', async () => {
    for (let i = 0; i < 3; i++) await submit(one, 'carol').expect(202);
    const before = await commits(one);
    const key = randomUUID();
    const refused = await submit(two, 'carol', 'Kept for later.').set('Idempotency-Key', key);
    expectTooMany(refused, 60, /too many replies from you/);
    expect(await commits(one)).toBe(before);
    // The reply a retry with that key would write is not there: a retry after the window is a new submission.
    const replyId = idempotentReplyId(one.config.HASH_KEY, A, 'reader', 'carol', key);
    expect(await one.db.collection(EventStoreCollections.commits).countDocuments({ streamId: `reply-${replyId}` })).toBe(0);
    // (That is where an accepted one goes.)
    const accepted = randomUUID();
    const res = await submit(one, 'dave', 'Kept for later.').set('Idempotency-Key', accepted).expect(202);
    expect(res.body.id).toBe(idempotentReplyId(one.config.HASH_KEY, A, 'reader', 'dave', accepted));
  });

  it('a guest is counted by their email, however it is typed', async () => {
    const guest = (email: string) =>
      one.http.post(`/articles/${A}/replies`).send({ body: `Guest reply ${randomUUID()}`, author: { name: 'Gina', email } });
    await guest('gina@example.org').expect(202);
    await guest('Gina@Example.org').expect(202);
    await guest('GINA@EXAMPLE.ORG').expect(202);
    expectTooMany(await guest('gina@EXAMPLE.org'), 60, /too many replies from you/);
    await guest('gino@example.org').expect(202);
  });

  it('keys Redis by action, scope and keyed hash, never by sub, email or address', async () => {
    const keys = await rateLimitKeys(prefix);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) {
      expect(key).toMatch(new RegExp(`^${prefix}:rate-limit:submit:(commenter|network):[A-Za-z0-9_-]{43}$`));
      expect(key).not.toMatch(/alice|bob|carol|gina|example|127\.0\.0\.1/i);
    }
  });
});

describe('per network, with TRUST_PROXY on: X-Forwarded-For names the client', () => {
  let sys: System;
  beforeAll(async () => {
    sys = await startSystem({ worker: false, env: { TRUST_PROXY: 'loopback', RATE_LIMIT_SUBMIT_PER_NETWORK: '3' } });
  });
  afterAll(() => sys.stop());

  it('two readers from one address share its limit; another address has its own', async () => {
    await submitFrom(sys, '198.51.100.7', 'erin').expect(202);
    await submitFrom(sys, '198.51.100.7', 'erin').expect(202);
    await submitFrom(sys, '198.51.100.7', 'frank').expect(202);
    expectTooMany(await submitFrom(sys, '198.51.100.7', 'frank'), 60, /too many replies from your network/);
    await submitFrom(sys, '198.51.100.8', 'frank').expect(202);
  });

  it('counts an IPv6 client by its /64', async () => {
    await submitFrom(sys, '2001:db8:1:2::a', 'gail').expect(202);
    await submitFrom(sys, '2001:db8:1:2::b', 'hugo').expect(202);
    await submitFrom(sys, '2001:db8:1:2:ffff::c', 'ines').expect(202);
    expectTooMany(await submitFrom(sys, '2001:db8:1:2::d', 'jack'), 60, /from your network/);
    await submitFrom(sys, '2001:db8:1:3::a', 'jack').expect(202);
  });
});

describe('per network, with TRUST_PROXY off (the default)', () => {
  let sys: System;
  beforeAll(async () => {
    sys = await startSystem({ worker: false, env: { RATE_LIMIT_SUBMIT_PER_NETWORK: '2' } });
  });
  afterAll(() => sys.stop());

  it('ignores X-Forwarded-For: every request counts for the connecting address', async () => {
    await submitFrom(sys, '198.51.100.20', 'kim').expect(202);
    await submitFrom(sys, '198.51.100.21', 'lee').expect(202);
    expectTooMany(await submitFrom(sys, '198.51.100.22', 'max'), 60, /from your network/);
  });
});

describe('flags', () => {
  let sys: System;
  const replies: string[] = [];
  beforeAll(async () => {
    sys = await startSystem({ env: { RATE_LIMIT_FLAG_PER_COMMENTER: '2' } });
    for (let i = 0; i < 3; i++) replies.push((await submit(sys, `author-${i}`).expect(202)).body.id);
    for (const id of replies) await verdictOn(sys, id);
  });
  afterAll(() => sys.stop());

  it('a reader may flag 2 replies in a window, then 429; another reader still may', async () => {
    const flag = (sub: string, replyId: string) => sys.http.post(`/replies/${replyId}/flags`).set('Authorization', asReader(sys, sub)).send({ reason: 'spam' });
    await eventually(async () => expect((await sys.http.get(`/replies/${replies[2]}`).expect(200)).body.status).toBe('published'));
    await flag('nina', replies[0]).expect(201);
    await flag('nina', replies[1]).expect(201);
    const before = await commits(sys);
    expectTooMany(await flag('nina', replies[2]), 60, /too many flags from you/);
    expect(await commits(sys)).toBe(before);
    await flag('omar', replies[2]).expect(201);
  });
});

describe('the window', () => {
  let sys: System;
  beforeAll(async () => {
    sys = await startSystem({ worker: false, env: { RATE_LIMIT_WINDOW_SECONDS: '1', RATE_LIMIT_SUBMIT_PER_COMMENTER: '1' } });
  });
  afterAll(() => sys.stop());

  it('ends, and the reader may reply again', async () => {
    // Sent until refused: with a one-second window the first window may end between two requests.
    const refused = await eventually(async () => {
      const res = await submit(sys, 'pia');
      expect(res.status).toBe(429);
      return res;
    });
    expectTooMany(refused, 1, /too many replies from you/);
    await eventually(async () => {
      await submit(sys, 'pia').expect(202);
    });
  });
});

describe('while Redis refuses connections', () => {
  let sys: System;
  beforeAll(async () => {
    sys = await startSystem({ worker: false, env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, RATE_LIMIT_SUBMIT_PER_COMMENTER: '2' } });
  });
  afterAll(() => sys.stop());

  it('limits hold per process: below them requests succeed, over them 429 with Retry-After', async () => {
    await submit(sys, 'quinn').expect(202);
    await submit(sys, 'quinn').expect(202);
    expectTooMany(await submit(sys, 'quinn'), 60, /too many replies from you/);
    await submit(sys, 'rosa').expect(202);
  });
});
