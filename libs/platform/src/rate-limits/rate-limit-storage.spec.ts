import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { loadConfig } from '../config/app-config';
import { connectRedis, failFastRedisOptions } from '../redis/redis.module';
import { RateLimitStorage } from './rate-limit-storage';

// The shared path against the real Redis (npm test starts one), under a prefix of its own;
// the fallback against servers that fail the way Redis does when down (refused) or stuck
// (connected, never answers).
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WINDOW_MS = 60_000;

async function listen(onSocket: (s: Socket) => void = () => undefined): Promise<Server> {
  const server = createServer(onSocket);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}
const urlOf = (server: Server) => `redis://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** Three hits on a limit of 2: the third is over it, and says how long to wait. */
async function expectLimitOfTwo(storage: RateLimitStorage, key: string): Promise<void> {
  const hit = () => storage.increment(key, WINDOW_MS, 2, WINDOW_MS, 'commenter');
  expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false, timeToBlockExpire: 0 });
  expect(await hit()).toMatchObject({ totalHits: 2, isBlocked: false });
  const over = await hit();
  expect(over.isBlocked).toBe(true);
  expect(over.timeToBlockExpire).toBeGreaterThanOrEqual(1);
  expect(over.timeToBlockExpire).toBeLessThanOrEqual(WINDOW_MS / 1000);
}

describe('RateLimitStorage on a working Redis', () => {
  const config = loadConfig({ QUEUE_PREFIX: `unit-limits-${randomBytes(4).toString('hex')}` });
  let redis: Redis;
  beforeAll(async () => {
    redis = connectRedis(REDIS_URL);
    await once(redis, 'ready');
  });
  afterAll(async () => {
    const keys = await redis.keys(`${config.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts one window for every replica, in one prefixed key that expires', async () => {
    const other = connectRedis(REDIS_URL);
    await once(other, 'ready');
    const [one, two] = [new RateLimitStorage(redis, config), new RateLimitStorage(other, config)];
    expect(await one.increment('submit:commenter:h1', WINDOW_MS, 2, WINDOW_MS, 'commenter')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await two.increment('submit:commenter:h1', WINDOW_MS, 2, WINDOW_MS, 'commenter')).toMatchObject({ totalHits: 2, isBlocked: false });
    const over = await one.increment('submit:commenter:h1', WINDOW_MS, 2, WINDOW_MS, 'commenter');
    expect(over).toMatchObject({ totalHits: 3, isBlocked: true });
    expect(over.timeToBlockExpire).toBeGreaterThanOrEqual(1);
    expect(over.timeToBlockExpire).toBeLessThanOrEqual(60);
    const ttl = await redis.pttl(`${config.QUEUE_PREFIX}:rate-limit:submit:commenter:h1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
    other.disconnect();
  });

  it('keeps each key to its own count', async () => {
    await expectLimitOfTwo(new RateLimitStorage(redis, config), 'flag:network:h2');
    expect(await new RateLimitStorage(redis, config).increment('flag:network:h3', WINDOW_MS, 2, WINDOW_MS, 'network')).toMatchObject({ totalHits: 1 });
  });

  it('gives a count that lost its expiry one again', async () => {
    const key = `${config.QUEUE_PREFIX}:rate-limit:submit:network:h4`;
    await redis.set(key, '5');
    expect(await new RateLimitStorage(redis, config).increment('submit:network:h4', WINDOW_MS, 10, WINDOW_MS, 'network')).toMatchObject({ totalHits: 6 });
    expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('counts in the process while Redis fails, and in Redis again once it answers', async () => {
    let down = true;
    const flaky = { eval: (...args: Parameters<Redis['eval']>) => (down ? Promise.reject(new Error('Connection is closed.')) : redis.eval(...args)) } as unknown as Redis;
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const storage = new RateLimitStorage(flaky, config);
      await expectLimitOfTwo(storage, 'submit:commenter:h5');
      expect(await redis.exists(`${config.QUEUE_PREFIX}:rate-limit:submit:commenter:h5`)).toBe(0);
      down = false;
      expect(await storage.increment('submit:commenter:h5', WINDOW_MS, 2, WINDOW_MS, 'commenter')).toMatchObject({ totalHits: 1, isBlocked: false });
      expect(await redis.exists(`${config.QUEUE_PREFIX}:rate-limit:submit:commenter:h5`)).toBe(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/shared through Redis again/));
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
  });
});

describe('RateLimitStorage when Redis cannot answer', () => {
  const config = loadConfig({ QUEUE_PREFIX: 'unit-limits' });
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('refused: limits per process, and warns once, not once per request', async () => {
    const closed = await listen();
    const url = urlOf(closed);
    closed.close();
    const redis = connectRedis(url);
    try {
      await expectLimitOfTwo(new RateLimitStorage(redis, config), 'submit:commenter:h6');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/counted in this process only/);
    } finally {
      redis.disconnect();
    }
  });

  it('stuck: gives up on Redis and limits per process', async () => {
    const sockets: Socket[] = [];
    const silent = await listen((s) => sockets.push(s));
    // As in network-data.spec.ts: no handshake to wait for, so the client sends the EVAL.
    const redis = connectRedis(urlOf(silent), { ...failFastRedisOptions, protocol: 2, disableClientInfo: true, enableReadyCheck: false });
    try {
      await once(redis, 'ready');
      await expectLimitOfTwo(new RateLimitStorage(redis, config), 'submit:network:h7');
      expect(String(warn.mock.calls[0][0])).toMatch(/no answer from Redis/);
    } finally {
      redis.disconnect();
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });
});
