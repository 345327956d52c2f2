import { MONGO_DB } from '@app/platform';
import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import type { mongo } from 'mongoose';
import { ThreadReader } from './queries/thread.reader';
import { ensureReadModelIndexes, ViewReader } from './queries/view.reader';

const readModelProviders = [
  { provide: ThreadReader, inject: [MONGO_DB], useFactory: (db: mongo.Db) => new ThreadReader(db) },
  { provide: ViewReader, inject: [MONGO_DB], useFactory: (db: mongo.Db) => new ViewReader(db) },
];

@Global()
@Module({ providers: readModelProviders, exports: readModelProviders })
export class ReadModelsModule implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: mongo.Db) {}

  async onModuleInit(): Promise<void> {
    await ensureReadModelIndexes(this.db);
  }
}
