import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { SeededFaults, withFaults } from '@app/event-store';
import mongoose, { Connection } from 'mongoose';
import { AppConfig } from '../config/app-config';
import { StoreCommands } from '../metrics/store-commands';

export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');
export const MONGO_DB = Symbol('MONGO_DB');

const mongoProviders = [
  {
    provide: MONGO_CONNECTION,
    inject: [AppConfig],
    useFactory: async (config: AppConfig) =>
      mongoose
        .createConnection(config.MONGO_URL, {
          // A store that is down answers 503 quickly instead of holding requests. And no store
          // call may wait in the driver longer than a lease holder waits for it: a write held
          // back (no server, no connection) or retried after a reconnect would reach the store
          // after its holder gave up, and could roll back a newer holder's document.
          serverSelectionTimeoutMS: Math.min(3_000, config.STORE_TIMEOUT_MS),
          connectTimeoutMS: config.STORE_TIMEOUT_MS,
          waitQueueTimeoutMS: config.STORE_TIMEOUT_MS,
          retryWrites: false,
          heartbeatFrequencyMS: config.STORE_HEARTBEAT_MS,
          autoIndex: false,
          autoCreate: false,
        })
        .asPromise(),
  },
  {
    provide: MONGO_DB,
    inject: [MONGO_CONNECTION, AppConfig, StoreCommands],
    // The chaos run fails some of a worker's store calls on purpose; nothing else ever does.
    useFactory: (c: Connection, config: AppConfig, commands: StoreCommands) =>
      commands.counting(config.CHAOS_FAULT_RATE > 0 ? withFaults(c.db!, new SeededFaults(config.CHAOS_FAULT_SEED, config.CHAOS_FAULT_RATE)) : c.db!),
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
