import { ModeratorActionsModule } from '@app/moderator-actions';
import { DataRightsModule } from '@app/data-rights';
import { AuthModule, HealthModule, platformModules, RateLimitsModule } from '@app/platform';
import { ReadModelsModule } from '@app/read-models';
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ChangeArticleSettingsController } from './commands/change-article-settings/change-article-settings.controller';
import { ChangeArticleSettingsHandler } from './commands/change-article-settings/change-article-settings.handler';
import { FlagReplyController } from './commands/flag-reply/flag-reply.controller';
import { FlagReplyHandler } from './commands/flag-reply/flag-reply.handler';
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

const commandHandlers = [FlagReplyHandler, PublishArticleHandler, ChangeArticleSettingsHandler, SubmitReplyHandler, EditReplyHandler, RetractReplyHandler, RetryDeadLetterHandler];
const queryHandlers = [GetArticleHandler, ListArticlesHandler, GetThreadHandler, GetReplyHandler, GetReplyRepliesHandler, ListDeadLettersHandler];
const controllers = [
  ListArticlesController,
  PublishArticleController,
  GetArticleController,
  ChangeArticleSettingsController,
  SubmitReplyController,
  GetThreadController,
  GetReplyController,
  GetReplyRepliesController,
  EditReplyController,
  RetractReplyController,
  FlagReplyController,
  ListDeadLettersController,
  RetryDeadLetterController,
];

@Module({
  imports: [...platformModules, CqrsModule.forRoot(), AuthModule, RateLimitsModule, ReadModelsModule, HealthModule, DataRightsModule, ModeratorActionsModule],
  controllers,
  providers: [SeedService, ...commandHandlers, ...queryHandlers],
})
export class ApiModule {}
