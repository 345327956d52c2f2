import { MODERATION_QUEUE, ModeratorActionsModule } from '@app/moderator-actions';
import { DataRightsModule } from '@app/data-rights';
import { ADMIN_QUEUE, AppConfig, AuthModule, HealthModule, LOG_QUEUE, LoggingModule, MemoryReleaseModule, MetricsEndpointModule, platformModules, RateLimitsModule } from '@app/platform';
import { SPAM_QUEUE } from '@app/screening';
import { ReadModelsModule, ViewChangeSubscriber, ViewDocumentCache } from '@app/read-models';
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AppealReplyController } from './commands/appeal-reply/appeal-reply.controller';
import { AppealReplyHandler } from './commands/appeal-reply/appeal-reply.handler';
import { ChangePolicyController } from './commands/change-policy/change-policy.controller';
import { ChangePolicyHandler } from './commands/change-policy/change-policy.handler';
import { GetPolicyController } from './queries/get-policy/get-policy.controller';
import { ChangeArticleSettingsController } from './commands/change-article-settings/change-article-settings.controller';
import { ChangeArticleSettingsHandler } from './commands/change-article-settings/change-article-settings.handler';
import { FlagReplyController } from './commands/flag-reply/flag-reply.controller';
import { FlagReplyHandler } from './commands/flag-reply/flag-reply.handler';
import { ReactToReplyController } from './commands/react-to-reply/react-to-reply.controller';
import { ReactToReplyHandler } from './commands/react-to-reply/react-to-reply.handler';
import { EditReplyController } from './commands/edit-reply/edit-reply.controller';
import { EditReplyHandler } from './commands/edit-reply/edit-reply.handler';
import { PublishArticleController } from './commands/publish-article/publish-article.controller';
import { PublishArticleHandler } from './commands/publish-article/publish-article.handler';
import { RetractReplyController } from './commands/retract-reply/retract-reply.controller';
import { RetractReplyHandler } from './commands/retract-reply/retract-reply.handler';
import { RetryDeadLetterController } from './commands/retry-dead-letter/retry-dead-letter.controller';
import { RetryDeadLetterHandler } from './commands/retry-dead-letter/retry-dead-letter.handler';
import { SubmitReplyController } from './commands/submit-reply/submit-reply.controller';
import { SubmitReplyHandler } from './commands/submit-reply/submit-reply.handler';
import { GetArticleController } from './queries/get-article/get-article.controller';
import { GetArticleHandler } from './queries/get-article/get-article.handler';
import { GetReplyRepliesController } from './queries/get-reply-replies/get-reply-replies.controller';
import { GetReplyRepliesHandler } from './queries/get-reply-replies/get-reply-replies.handler';
import { GetReplyController } from './queries/get-reply/get-reply.controller';
import { GetReplyHandler } from './queries/get-reply/get-reply.handler';
import { GetThreadController } from './queries/get-thread/get-thread.controller';
import { GetThreadHandler } from './queries/get-thread/get-thread.handler';
import { ListArticlesController } from './queries/list-articles/list-articles.controller';
import { ListArticlesHandler } from './queries/list-articles/list-articles.handler';
import { ListDeadLettersController } from './queries/list-dead-letters/list-dead-letters.controller';
import { ListDeadLettersHandler } from './queries/list-dead-letters/list-dead-letters.handler';
import { SeedService } from './seed/seed.service';
import { SeedArticlePageController } from './pages/seed-article-page/seed-article-page.controller';
import { WebAssetsController } from './pages/web-assets/web-assets.controller';
import { ModeratorConsoleController } from './pages/moderator-console/moderator-console.controller';
import { AdminQueue, VerificationsController } from './admin/verifications/verifications.controller';
import { RebuildsController } from './admin/rebuilds/rebuilds.controller';
import { WhatIfController } from './admin/what-if/what-if.controller';
import { WhatIfHandler } from './admin/what-if/what-if.handler';
import { InspectStreamController } from './queries/inspect-stream/inspect-stream.controller';
import { GetReplyHistoryController } from './queries/get-reply-history/get-reply-history.controller';
import { IssueStreamTicketController } from './commands/issue-stream-ticket/issue-stream-ticket.controller';
import { LogTailer } from './live/log-tailer';
import { PublicReplyChanges } from './live/public-reply-changes';
import { StreamArticleRepliesController } from './queries/stream-article-replies/stream-article-replies.controller';
import { StreamModerationController } from './queries/stream-moderation/stream-moderation.controller';
import { TicketsModule } from './shared/tickets.module';
import { QueuesDashboardModule } from './admin/queues-dashboard/queues-dashboard.module';

const commandHandlers = [AppealReplyHandler, ChangePolicyHandler, FlagReplyHandler, ReactToReplyHandler, PublishArticleHandler, ChangeArticleSettingsHandler, SubmitReplyHandler, EditReplyHandler, RetractReplyHandler, RetryDeadLetterHandler, WhatIfHandler];
const queryHandlers = [GetArticleHandler, ListArticlesHandler, GetThreadHandler, GetReplyHandler, GetReplyRepliesHandler, ListDeadLettersHandler];
const controllers = [
  ListArticlesController,
  PublishArticleController,
  GetArticleController,
  ChangeArticleSettingsController,
  SubmitReplyController,
  GetThreadController,
  GetReplyController,
  GetReplyHistoryController,
  InspectStreamController,
  VerificationsController,
  RebuildsController,
  WhatIfController,
  GetReplyRepliesController,
  EditReplyController,
  RetractReplyController,
  FlagReplyController,
  ReactToReplyController,
  AppealReplyController,
  ListDeadLettersController,
  GetPolicyController,
  ChangePolicyController,
  RetryDeadLetterController,
  StreamArticleRepliesController,
  IssueStreamTicketController,
  StreamModerationController,
  SeedArticlePageController,
  WebAssetsController,
  ModeratorConsoleController,
];
/**
 * Live updates: one log tailer per process, shared by every open stream; and the thread
 * documents' cache, fed by the view writers' notices (decision 0041).
 */
const liveProviders = [
  LogTailer,
  PublicReplyChanges,
  { provide: ViewChangeSubscriber, inject: [AppConfig, ViewDocumentCache], useFactory: (c: AppConfig, cache: ViewDocumentCache) => new ViewChangeSubscriber(c.REDIS_URL, c.QUEUE_PREFIX, cache) },
];
/** Admin work the workers carry out. */
const adminProviders = [AdminQueue];
/** Every BullMQ queue the system has, for the depths /metrics shows. */
const meteredQueues = [LOG_QUEUE, SPAM_QUEUE, MODERATION_QUEUE, ADMIN_QUEUE];

@Module({
  imports: [...platformModules, LoggingModule, MetricsEndpointModule.forQueues(meteredQueues), MemoryReleaseModule, CqrsModule.forRoot(), AuthModule, RateLimitsModule, ReadModelsModule, HealthModule, DataRightsModule, ModeratorActionsModule, TicketsModule, QueuesDashboardModule],
  controllers,
  providers: [SeedService, ...commandHandlers, ...queryHandlers, ...liveProviders, ...adminProviders],
})
export class ApiModule {}
