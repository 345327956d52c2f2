import { Aggregates, AppConfig, CLOCK, MONGO_DB, NetworkData, PolicyInForce, REDIS, WorkCounters } from '@app/platform';
import { AkismetChecker } from './akismet-checker';
import type { mongo } from 'mongoose';
import { ScreeningBacklog } from './screening-backlog';
import { ScreeningSweeper } from './screening-sweeper';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { SPAM_QUEUE } from './screening-jobs';
import { ScreeningSignals } from './screening-signals';
import { SpamProcessor } from './spam.processor';
import { SpamModelInMemory } from './spam-model-in-memory';
import { spamProcessorWith, spamWorkerOptions } from './spam-worker';

/** BullMQ's own connection: workers block on it, so it never gives up on a command. */
function connectionOf(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (n: number) => Math.min(n * 200, 2_000),
  };
}

const screeningProviders = [
  {
    provide: SpamProcessor,
    inject: [AppConfig, Aggregates, NetworkData, ScreeningSignals, ScreeningBacklog, PolicyInForce, SpamModelInMemory, AkismetChecker, CLOCK, WorkCounters],
    useFactory: (config: AppConfig, ...dependencies: ConstructorParameters<typeof SpamProcessor>) => new (spamProcessorWith(spamWorkerOptions(config.akismet)))(...dependencies),
  },
  { provide: AkismetChecker, inject: [AppConfig], useFactory: (config: AppConfig) => AkismetChecker.of(config.akismet) },
  SpamModelInMemory,
  ScreeningSweeper,
  { provide: ScreeningBacklog, inject: [MONGO_DB], useFactory: (db: mongo.Db) => new ScreeningBacklog(db) },
  { provide: ScreeningSignals, inject: [REDIS, AppConfig], useFactory: (redis: Redis, config: AppConfig) => new ScreeningSignals(redis, config.QUEUE_PREFIX) },
];

/** Screening: the `spam` queue and its workers; the dispatcher runs with the log consumers. */
@Module({
  imports: [
    BullModule.forRootAsync({ inject: [AppConfig], useFactory: (config: AppConfig) => ({ connection: connectionOf(config.REDIS_URL), prefix: config.QUEUE_PREFIX }) }),
    BullModule.registerQueue({ name: SPAM_QUEUE }),
  ],
  providers: screeningProviders,
  exports: [BullModule, ScreeningBacklog],
})
export class ScreeningModule {}
