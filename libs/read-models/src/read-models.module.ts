import { MONGO_DB } from '@app/platform';
import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import type { mongo } from 'mongoose';
import { liveViewNames } from './live-projections';
import { ModerationLogReader } from './queries/moderation-log.reader';
import { QueueReader } from './queries/queue.reader';
import { ThreadReader } from './queries/thread.reader';
import { TimeTravel } from './queries/time-travel';
import { LOG_READER, LogReader } from '@app/event-store';
import { ensureReadModelIndexes, ViewReader } from './queries/view.reader';
import { ViewNames } from './view-names';

const readModelProviders = [
  { provide: ViewNames, useFactory: liveViewNames },
  { provide: ThreadReader, inject: [MONGO_DB, ViewNames], useFactory: (db: mongo.Db, names: ViewNames) => new ThreadReader(db, names) },
  { provide: ViewReader, inject: [MONGO_DB, ViewNames], useFactory: (db: mongo.Db, names: ViewNames) => new ViewReader(db, names) },
  { provide: ModerationLogReader, inject: [MONGO_DB, ViewNames], useFactory: (db: mongo.Db, names: ViewNames) => new ModerationLogReader(db, names) },
  { provide: QueueReader, inject: [MONGO_DB, ViewNames], useFactory: (db: mongo.Db, names: ViewNames) => new QueueReader(db, names) },
  { provide: TimeTravel, inject: [LOG_READER], useFactory: (log: LogReader) => new TimeTravel(log) },
];

@Global()
@Module({ providers: readModelProviders, exports: readModelProviders })
export class ReadModelsModule implements OnModuleInit {
  constructor(
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    private readonly names: ViewNames,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureReadModelIndexes(this.db, this.names);
  }
}
