import { ExecutionContext, Module } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerModule, ThrottlerModuleOptions } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { GuestIdentity } from '../auth/guest-identity';
import { CommenterDirectory } from '../commenters/commenter-directory';
import { AppConfig, RateLimitedAction } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { RateLimitStorage } from './rate-limit-storage';
import { RATE_LIMITED_ACTION } from './rate-limit.guard';
import { RateLimitedRequest, RateLimitTrackers } from './rate-limit-trackers';

/** Both limits apply to every rate-limited request; the stricter one answers 429. */
const SCOPES = ['commenter', 'network'] as const;

function rateLimitOptions(config: AppConfig, redis: Redis, commenters: CommenterDirectory, guests: GuestIdentity, reflector: Reflector): ThrottlerModuleOptions {
  const trackers = new RateLimitTrackers(config, commenters, guests);
  const limitOf = (context: ExecutionContext) => config.rateLimit(reflector.get<RateLimitedAction>(RATE_LIMITED_ACTION, context.getHandler()));
  return {
    storage: new RateLimitStorage(redis, config),
    // Keys in product words: `<action>:<commenter|network>:<keyed hash>`, under the queue prefix.
    generateKey: (context, tracker, scope) => `${reflector.get<RateLimitedAction>(RATE_LIMITED_ACTION, context.getHandler())}:${scope}:${tracker}`,
    // Only the 429 says anything: per-limit X-RateLimit headers would tell a spammer how much is left.
    setHeaders: false,
    throttlers: SCOPES.map((scope) => ({
      name: scope,
      ttl: (context: ExecutionContext) => limitOf(context).windowMs,
      limit: (context: ExecutionContext) => limitOf(context)[scope],
      getTracker: (request: Record<string, unknown>) => trackers[scope](request as RateLimitedRequest),
    })),
  };
}

/** The API's rate limits: endpoints opt in with @RateLimited(action). */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS, CommenterDirectory, GuestIdentity, Reflector],
      useFactory: rateLimitOptions,
    }),
  ],
})
export class RateLimitsModule {}
