import { Command } from '@nestjs/cqrs';
import { Requester } from '../../shared/requester';

export class AppealReplyCommand extends Command<{ id: string; status: string; appeal: 'open'; version: number }> {
  constructor(
    readonly replyId: string,
    readonly requester: Requester,
    readonly note: string,
  ) {
    super();
  }
}
