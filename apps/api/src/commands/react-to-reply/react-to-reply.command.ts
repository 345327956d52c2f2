import { Actor, ReactionType } from '@app/domain';
import { Command } from '@nestjs/cqrs';

/** A signed-in reader reacts to a reply (`on`) or takes the reaction back; `recorded` is false when nothing changed. */
export class ReactToReplyCommand extends Command<{ replyId: string; type: ReactionType; reacted: boolean; recorded: boolean }> {
  constructor(
    readonly replyId: string,
    readonly reader: Actor,
    readonly type: ReactionType,
    readonly on: boolean,
  ) {
    super();
  }
}
