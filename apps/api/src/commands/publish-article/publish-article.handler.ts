import { Article, ConflictError } from '@app/domain';
import { createStream, EVENT_STORE, EventStore } from '@app/event-store';
import { Clock, CLOCK, PolicyInForce } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { metadataFor } from '../../shared/request-context';
import { PublishArticleCommand } from './publish-article.command';

@CommandHandler(PublishArticleCommand)
export class PublishArticleHandler implements ICommandHandler<PublishArticleCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly policies: PolicyInForce,
  ) {}

  async execute({ input, actor, ifAbsent }: PublishArticleCommand) {
    // An article published without a moderation mode takes the policy's default.
    const { defaultMode } = await this.policies.current();
    const article = Article.publish({ ...input, settings: { ...input.settings, moderation: input.settings?.moderation ?? defaultMode } }, this.clock());
    // A second publish of the same id finds the stream there.
    if (await createStream(this.store, Article.streamId(input.articleId), article.pullEvents(), metadataFor(actor))) return { articleId: input.articleId, created: true };
    if (ifAbsent) return { articleId: input.articleId, created: false };
    throw new ConflictError(`article ${input.articleId} already exists`, 'id');
  }
}
