import { AppConfig, MONGO_DB } from '@app/platform';
import { Global, Inject, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { mongo } from 'mongoose';
import { liveProjections, liveViewNames } from './live-projections';
import { ViewAliases } from './rebuilds/view-aliases';
import { ModerationLogReader } from './queries/moderation-log.reader';
import { QueueReader } from './queries/queue.reader';
import { ThreadReader } from './queries/thread.reader';
import { ViewDocumentCache } from './queries/view-document-cache';
import { TimeTravel } from './queries/time-travel';
import { LOG_READER, LogReader } from '@app/event-store';
import { ensureReadModelIndexes, ViewReader } from './queries/view.reader';
import { ViewNames } from './view-names';

const readModelProviders = [
  // Follows the alias documents: every reader below resolves the generation a rebuild flipped live.
  { provide: ViewNames, useFactory: liveViewNames },
  { provide: ViewAliases, inject: [MONGO_DB, ViewNames], useFactory: (db: mongo.Db, names: ViewNames) => new ViewAliases(db, liveProjections(), names) },
  // Off until something subscribes to the writers' notices (the API does: ViewChangeSubscriber).
  { provide: ViewDocumentCache, inject: [AppConfig], useFactory: (c: AppConfig) => new ViewDocumentCache({ ttlMs: c.VIEW_CACHE_TTL_MS, maxDocuments: c.VIEW_CACHE_DOCUMENTS }) },
  { provide: ThreadReader, inject: [MONGO_DB, ViewNames, ViewDocumentCache], useFactory: (db: mongo.Db, names: ViewNames, cache: ViewDocumentCache) => new ThreadReader(db, names, cache) },
  { provide: ViewReader, inject: [MONGO_DB, ViewNames], useFactory: (db: mongo.Db, names: ViewNames) => new ViewReader(db, names) },
  { provide: ModerationLogReader, inject: [MONGO_DB, ViewNames], useFactory: (db: mongo.Db, names: ViewNames) => new ModerationLogReader(db, names) },
  { provide: QueueReader, inject: [MONGO_DB, ViewNames], useFactory: (db: mongo.Db, names: ViewNames) => new QueueReader(db, names) },
  { provide: TimeTravel, inject: [LOG_READER], useFactory: (log: LogReader) => new TimeTravel(log) },
];

@Global()
@Module({ providers: readModelProviders, exports: readModelProviders })
export class ReadModelsModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    private readonly names: ViewNames,
    private readonly aliases: ViewAliases,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // Before the first request: a reader must never see a generation a flip has retired.
    await this.aliases.refresh();
    // A flip reaches this process by its notice; the poll only covers a lost one.
    this.aliases.start(this.config.VIEW_ALIAS_POLL_MS, { url: this.config.REDIS_URL, prefix: this.config.QUEUE_PREFIX });
    await ensureReadModelIndexes(this.db, this.names);
  }

  async onModuleDestroy(): Promise<void> {
    await this.aliases.stop();
  }
}
