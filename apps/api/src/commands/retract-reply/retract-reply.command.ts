import { Command } from '@nestjs/cqrs';
import { Requester } from '../edit-reply/edit-reply.command';

export class RetractReplyCommand extends Command<{ version: number }> {
  constructor(
    readonly replyId: string,
    readonly requester: Requester,
    readonly ifMatch?: string,
  ) {
    super();
  }
}
