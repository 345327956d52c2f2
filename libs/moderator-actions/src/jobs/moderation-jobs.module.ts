import { CommenterReplyList } from '@app/data-rights';
import { MONGO_DB } from '@app/platform';
import { QueueReader, ViewNames } from '@app/read-models';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import type { mongo } from 'mongoose';
import { ModerationBacklog } from './moderation-backlog';
import { MODERATION_QUEUE } from './moderation-jobs';
import { ModerationProcessor } from './moderation.processor';
import { ModerationSweeper } from './moderation-sweeper';

const moderationJobProviders = [
  ModerationProcessor,
  ModerationSweeper,
  CommenterReplyList,
  // Whether readers reported a published reply a batch approves; the worker app has no read-models module.
  { provide: QueueReader, inject: [MONGO_DB, ViewNames], useFactory: (db: mongo.Db, names: ViewNames) => new QueueReader(db, names) },
  { provide: ModerationBacklog, inject: [MONGO_DB], useFactory: (db: mongo.Db) => new ModerationBacklog(db) },
];

/**
 * The `moderation` queue's workers (bulk decisions, undo, suspension ends), for the worker app;
 * the dispatcher runs with the log consumers. BullMQ's root connection comes from ScreeningModule.
 */
@Module({
  imports: [BullModule.registerQueue({ name: MODERATION_QUEUE })],
  providers: moderationJobProviders,
  exports: [BullModule, ModerationBacklog],
})
export class ModerationJobsModule {}
