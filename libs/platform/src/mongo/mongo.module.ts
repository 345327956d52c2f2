import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { SeededFaults, withFaults } from '@app/event-store';
import mongoose, { Connection } from 'mongoose';
import { AppConfig } from '../config/app-config';

export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');
export const MONGO_DB = Symbol('MONGO_DB');

const mongoProviders = [
  {
    provide: MONGO_CONNECTION,
    inject: [AppConfig],
    useFactory: async (config: AppConfig) =>
      mongoose
        .createConnection(config.MONGO_URL, {
          // A store that is down answers 503 quickly instead of holding requests.
          serverSelectionTimeoutMS: 3_000,
          // Notice a restarted store within a second instead of the driver's default ten.
          heartbeatFrequencyMS: 1_000,
          autoIndex: false,
          autoCreate: false,
        })
        .asPromise(),
  },
  {
    provide: MONGO_DB,
    inject: [MONGO_CONNECTION, AppConfig],
    // The chaos run fails some of a worker's store calls on purpose; nothing else ever does.
    useFactory: (c: Connection, config: AppConfig) =>
      config.CHAOS_FAULT_RATE > 0 ? withFaults(c.db!, new SeededFaults(config.CHAOS_FAULT_SEED, config.CHAOS_FAULT_RATE)) : c.db,
  },
];

@Global()
@Module({ providers: mongoProviders, exports: mongoProviders })
export class MongoModule implements OnApplicationShutdown {
  constructor(@Inject(MONGO_CONNECTION) private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
