import { CommenterReplyList } from '@app/data-rights';
import { Module } from '@nestjs/common';
import { BatchesController } from './batches/batches.controller';
import { BulkModerateController } from './bulk-moderate/bulk-moderate.controller';
import { BulkModerateHandler } from './bulk-moderate/bulk-moderate.handler';
import { ChangeStandingHandler } from './commenters/change-standing.handler';
import { CommenterProfiles } from './commenters/commenter-profiles';
import { CommentersController } from './commenters/commenters.controller';
import { ModerateReplyController } from './moderate-reply/moderate-reply.controller';
import { ModerateReplyHandler } from './moderate-reply/moderate-reply.handler';
import { ModerationLogController } from './moderation-log/moderation-log.controller';
import { QueuesController } from './queues/queues.controller';

const moderatorActionHandlers = [ModerateReplyHandler, BulkModerateHandler, ChangeStandingHandler];
const moderatorActionQueries = [CommenterProfiles, CommenterReplyList];
const moderatorActionControllers = [ModerateReplyController, BulkModerateController, BatchesController, CommentersController, QueuesController, ModerationLogController];

/** Moderators' decisions on replies and commenters; bulk work runs in the worker's moderation jobs. */
@Module({ controllers: moderatorActionControllers, providers: [...moderatorActionHandlers, ...moderatorActionQueries] })
export class ModeratorActionsModule {}
