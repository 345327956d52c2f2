import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';

/** What a count answers (throttler does not export the type by name). */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** A rate-limited request waits at most this long for Redis before it is counted in this process. */
export const COUNT_TIMEOUT_MS = 200;
/** While Redis is down every count falls back; one warning a minute says how many did. */
const WARN_EVERY_MS = 60_000;

/**
 * One hit on a fixed window, atomically: the first hit starts the window (PEXPIRE), later
 * ones only count. A key found without an expiry (a crash between two commands cannot
 * happen here, but an operator's PERSIST can) gets one, so no count lives forever.
 */
const HIT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}`;

/**
 * Rate-limit counts shared by every API replica, in Redis under
 * `<QUEUE_PREFIX>:rate-limit:<key>`. While Redis refuses or is slow, each count falls back
 * to throttler's in-memory storage, so limits hold per process and no request waits on
 * Redis longer than COUNT_TIMEOUT_MS (docs/decisions/0020).
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('rate-limits');
  private readonly local = new ThrottlerStorageService();
  private fallbacks = 0;
  private lastWarningAt = -Infinity;
  private degraded = false;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /**
   * `key` names the action, the scope and a keyed hash, never a person or an address.
   * Shared counts use fixed windows: a blocked request waits for its window to end, so
   * `blockDuration` (equal to the window here) is not stored separately.
   */
  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    try {
      const record = await this.shared(key, ttl, limit);
      if (this.degraded) this.logger.log('rate limits are shared through Redis again');
      this.degraded = false;
      return record;
    } catch (error) {
      this.warn(error);
      const record = await this.local.increment(key, ttl, limit, blockDuration, throttlerName);
      // Its wait is meaningless (far negative) for a request under the limit.
      return { ...record, timeToBlockExpire: record.isBlocked ? Math.max(1, record.timeToBlockExpire) : 0 };
    }
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
  }

  private async shared(key: string, windowMs: number, limit: number): Promise<ThrottlerStorageRecord> {
    const counted = this.redis.eval(HIT, 1, `${this.config.QUEUE_PREFIX}:rate-limit:${key}`, windowMs) as Promise<[number, number]>;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis in ${COUNT_TIMEOUT_MS} ms`)), COUNT_TIMEOUT_MS);
    });
    try {
      const [hits, ttlMs] = await Promise.race([counted, late]);
      // Whole seconds for Retry-After, never 0: a client told 0 would come straight back.
      const seconds = Math.max(1, Math.ceil(Number(ttlMs) / 1000));
      const isBlocked = Number(hits) > limit;
      return { totalHits: Number(hits), timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
    } catch (error) {
      counted.catch(() => undefined); // a late answer or failure has no one left to tell
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private warn(error: unknown): void {
    this.degraded = true;
    this.fallbacks += 1;
    const now = Date.now();
    if (now - this.lastWarningAt < WARN_EVERY_MS) return;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`rate limits counted in this process only (${this.fallbacks} since the last warning): ${reason}`);
    this.fallbacks = 0;
    this.lastWarningAt = now;
  }
}
