import { Article, ConflictError } from '@app/domain';
import { EVENT_STORE, EventStore, StreamConflictError } from '@app/event-store';
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
    try {
      // A new stream: version 0. A second publish of the same id fails on the duplicate commit.
      await this.store.append({ streamId: Article.streamId(input.articleId), version: 0, head: null }, article.pullEvents(), metadataFor(actor));
      return { articleId: input.articleId, created: true };
    } catch (error) {
      if (!(error instanceof StreamConflictError)) throw error;
      if (ifAbsent) return { articleId: input.articleId, created: false };
      throw new ConflictError(`article ${input.articleId} already exists`, 'id');
    }
  }
}
