import {
  ensureEventStoreIndexes,
  EVENT_STORE,
  LEASES,
  LOG_READER,
  LOG_WAKER,
  LogWaker,
  MongoEventStore,
  MongoLogReader,
  MongoSnapshotStore,
  SNAPSHOTS,
  RedisLeases,
  UpcasterRegistry,
} from '@app/event-store';
import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { mongo } from 'mongoose';
import { AppConfig } from '../config/app-config';
import { Clock, CLOCK } from '../config/config.module';
import { MONGO_DB } from '../mongo/mongo.module';
import { REDIS } from '../redis/redis.module';

/** Upcasters for old event schemas are registered here as schemas change. */
export const UPCASTERS = new UpcasterRegistry([]);

const eventStoreProviders = [
  { provide: UpcasterRegistry, useValue: UPCASTERS },
  {
    provide: EVENT_STORE,
    inject: [MONGO_DB, UpcasterRegistry, LOG_WAKER, CLOCK],
    useFactory: (db: mongo.Db, up: UpcasterRegistry, waker: LogWaker, clock: Clock) => new MongoEventStore(db, up, waker, clock),
  },
  {
    provide: LOG_READER,
    inject: [MONGO_DB, UpcasterRegistry],
    useFactory: (db: mongo.Db, up: UpcasterRegistry) => new MongoLogReader(db, up),
  },
  { provide: SNAPSHOTS, inject: [MONGO_DB], useFactory: (db: mongo.Db) => new MongoSnapshotStore(db) },
  {
    provide: LEASES,
    inject: [REDIS, AppConfig],
    useFactory: (redis: Redis, config: AppConfig) => new RedisLeases(redis, config.QUEUE_PREFIX),
  },
];

@Global()
@Module({ providers: eventStoreProviders, exports: eventStoreProviders })
export class EventStoreModule implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: mongo.Db) {}

  async onModuleInit(): Promise<void> {
    await ensureEventStoreIndexes(this.db);
  }
}
