import { DOMAIN_UPCASTERS, PERSONAL_FIELDS } from '@app/domain';
import {
  CachedDataKeys,
  DATA_KEYS,
  DataKeys,
  MongoDataKeys,
  PersonalDataCipher,
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
import { Aggregates } from './aggregates';
import { PolicyInForce } from '../policy/policy-in-force';

/** Upcasters for old event schemas are registered here as schemas change. */
export const UPCASTERS = new UpcasterRegistry(DOMAIN_UPCASTERS);

const eventStoreProviders = [
  { provide: UpcasterRegistry, useValue: UPCASTERS },
  {
    provide: DATA_KEYS,
    inject: [MONGO_DB, AppConfig],
    useFactory: (db: mongo.Db, config: AppConfig) => new CachedDataKeys(new MongoDataKeys(db, config.DATA_KEY_SECRET)),
  },
  {
    provide: PersonalDataCipher,
    inject: [DATA_KEYS, AppConfig],
    useFactory: (keys: DataKeys, config: AppConfig) => new PersonalDataCipher(keys, PERSONAL_FIELDS, config.PERSONAL_DATA_ENCRYPTION),
  },
  {
    provide: EVENT_STORE,
    inject: [MONGO_DB, UpcasterRegistry, LOG_WAKER, PersonalDataCipher, CLOCK],
    useFactory: (db: mongo.Db, up: UpcasterRegistry, waker: LogWaker, cipher: PersonalDataCipher, clock: Clock) => new MongoEventStore(db, up, waker, cipher, clock),
  },
  {
    provide: LOG_READER,
    inject: [MONGO_DB, UpcasterRegistry, PersonalDataCipher],
    useFactory: (db: mongo.Db, up: UpcasterRegistry, cipher: PersonalDataCipher) => new MongoLogReader(db, up, cipher),
  },
  { provide: SNAPSHOTS, inject: [MONGO_DB], useFactory: (db: mongo.Db) => new MongoSnapshotStore(db) },
  {
    provide: LEASES,
    inject: [REDIS, AppConfig],
    useFactory: (redis: Redis, config: AppConfig) => new RedisLeases(redis, config.QUEUE_PREFIX),
  },
];

@Global()
@Module({ providers: [...eventStoreProviders, Aggregates, PolicyInForce], exports: [...eventStoreProviders, Aggregates, PolicyInForce] })
export class EventStoreModule implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: mongo.Db) {}

  async onModuleInit(): Promise<void> {
    await ensureEventStoreIndexes(this.db);
  }
}
