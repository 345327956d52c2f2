import { Actor } from '@app/domain';
import { Command } from '@nestjs/cqrs';

/** Who asks: a signed-in actor, or a guest proving authorship with the reply's edit token. */
export interface Requester {
  actor?: Actor;
  editToken?: string;
}

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
