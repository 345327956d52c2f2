import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';

/** For leases, health and idempotency: fails fast while Redis is down, never queues. */
export const REDIS = Symbol('REDIS');

export const failFastRedisOptions: RedisOptions = {
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  connectTimeout: 2_000,
  retryStrategy: (times) => Math.min(times * 200, 2_000),
};

export function connectRedis(url: string, options: RedisOptions = failFastRedisOptions): Redis {
  const redis = new Redis(url, options);
  redis.on('error', () => undefined); // reported by /health; reconnects on its own
  return redis;
}

const redisProviders = [{ provide: REDIS, inject: [AppConfig], useFactory: (c: AppConfig) => connectRedis(c.REDIS_URL) }];

@Global()
@Module({ providers: redisProviders, exports: redisProviders })
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
