import { Module } from '@nestjs/common';
import { ModerateReplyController } from './moderate-reply/moderate-reply.controller';
import { ModerateReplyHandler } from './moderate-reply/moderate-reply.handler';
import { ModerationLogController } from './moderation-log/moderation-log.controller';
import { QueuesController } from './queues/queues.controller';

const moderatorActionHandlers = [ModerateReplyHandler];
const moderatorActionControllers = [ModerateReplyController, QueuesController, ModerationLogController];

/** Moderators' decisions: the API serves the controllers; bulk jobs run the same handlers. */
@Module({ controllers: moderatorActionControllers, providers: moderatorActionHandlers })
export class ModeratorActionsModule {}
