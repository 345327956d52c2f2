import { Command } from '@nestjs/cqrs';
import { Requester } from '../../shared/requester';

export class EditReplyCommand extends Command<{ version: number }> {
  constructor(
    readonly replyId: string,
    readonly body: string,
    readonly requester: Requester,
    readonly ifMatch?: string,
  ) {
    super();
  }
}
