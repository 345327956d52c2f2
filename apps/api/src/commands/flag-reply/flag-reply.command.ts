import { Actor, FlagReason } from '@app/domain';
import { Command } from '@nestjs/cqrs';

/** A signed-in reader flags a reply, once. */
export class FlagReplyCommand extends Command<{ replyId: string; reason: FlagReason }> {
  constructor(
    readonly replyId: string,
    readonly flagger: Actor,
    readonly reason: FlagReason,
    readonly note: string | null,
  ) {
    super();
  }
}
