import { Actor, ReplySettings } from '@app/domain';
import { Command } from '@nestjs/cqrs';

export class ChangeArticleSettingsCommand extends Command<{ settings: ReplySettings; version: number }> {
  constructor(
    readonly articleId: string,
    readonly changes: Partial<ReplySettings>,
    readonly actor: Actor,
    readonly ifMatch?: string,
  ) {
    super();
  }
}
