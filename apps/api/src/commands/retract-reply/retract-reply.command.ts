import { Command } from '@nestjs/cqrs';
import { Requester } from '../../shared/requester';

export class RetractReplyCommand extends Command<{ version: number }> {
  constructor(
    readonly replyId: string,
    readonly requester: Requester,
    readonly ifMatch?: string,
  ) {
    super();
  }
}
