import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { Lease, Leases } from './ports';

/**
 * KEYS: lease, fencing counter, release record. ARGV: holder id, ttl, floor.
 * Takes the lease with NX and, in the same step, the next fencing token above the floor.
 */
const ACQUIRE = `
if not redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return nil end
local previous = tonumber(redis.call('get', KEYS[2]) or '0')
local floor = tonumber(ARGV[3])
local released = 0
if previous > 0 and previous >= floor and redis.call('get', KEYS[3]) == tostring(previous) then released = 1 end
if previous == 0 and floor == 0 then released = 1 end
local token = math.max(previous, floor) + 1
redis.call('set', KEYS[2], token)
return {token, released}`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** KEYS: lease, release record. ARGV: holder id, token. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[2], ARGV[2]) return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Leases as Redis keys set with NX and an expiry; only the holder's id renews or frees one.
 * Each acquisition gets a fencing token from a counter beside the lease.
 */
export class RedisLeases implements Leases {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async acquire(name: string, ttlMs: number, floor = 0): Promise<Lease | null> {
    const key = `${this.prefix}:lease:${name}`;
    const keys = [key, `${key}:fence`, `${key}:released`];
    const holder = randomUUID();
    const taken = (await this.redis.eval(ACQUIRE, 3, ...keys, holder, String(ttlMs), String(floor))) as [number, number] | null;
    if (!taken) return null;
    const [token, released] = taken;
    const redis = this.redis;
    return {
      name,
      token,
      previousReleased: released === 1,
      async renew() {
        try {
          return (await redis.eval(RENEW, 1, key, holder, String(ttlMs))) === 1;
        } catch {
          return false;
        }
      },
      async release() {
        await redis.eval(RELEASE, 2, key, keys[2], holder, String(token)).catch(() => undefined);
      },
    };
  }
}
