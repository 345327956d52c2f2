import { Article, ConflictError } from '@app/domain';
import { EVENT_STORE, EventStore, LoadedStream, realEvents, StreamConflictError } from '@app/event-store';
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
    const streamId = Article.streamId(input.articleId);
    // A new stream: version 0. A second publish of the same id fails on the duplicate commit.
    let expected: Pick<LoadedStream, 'streamId' | 'version' | 'head'> = { streamId, version: 0, head: null };
    const events = article.pullEvents();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.append(expected, events, metadataFor(actor));
        return { articleId: input.articleId, created: true };
      } catch (error) {
        if (!(error instanceof StreamConflictError)) throw error;
        const stream = await this.store.load(streamId);
        // Only versions the sequencer filled as abandoned (an earlier try that failed half-way): after them.
        if (realEvents(stream.events).length === 0 && attempt < 2) {
          expected = stream;
          continue;
        }
        if (ifAbsent) return { articleId: input.articleId, created: false };
        throw new ConflictError(`article ${input.articleId} already exists`, 'id');
      }
    }
  }
}
