import { Actor, PublishArticle } from '@app/domain';
import { Command } from '@nestjs/cqrs';

export class PublishArticleCommand extends Command<{ articleId: string; created: boolean }> {
  constructor(
    readonly input: PublishArticle,
    readonly actor: Actor,
    /** Publishing an id that exists is an error, unless the caller only wants it to exist. */
    readonly ifAbsent = false,
  ) {
    super();
  }
}
