import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { Lease, Leases } from './ports';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Leases as Redis keys set with NX and an expiry; only the holder's token renews or frees one. */
export class RedisLeases implements Leases {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async acquire(name: string, ttlMs: number): Promise<Lease | null> {
    const key = `${this.prefix}:lease:${name}`;
    const token = randomUUID();
    const ok = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return null;
    const redis = this.redis;
    return {
      name,
      async renew() {
        try {
          return (await redis.eval(RENEW, 1, key, token, String(ttlMs))) === 1;
        } catch {
          return false;
        }
      },
      async release() {
        await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
      },
    };
  }
}
