import { ClientNetwork } from '@app/platform';
import { Actor } from '@app/domain';
import { Command } from '@nestjs/cqrs';

export interface SubmittedReply {
  replyId: string;
  status: 'checking' | 'pending';
  /** Guests only: proves authorship for edits and retraction. */
  editToken?: string;
}

export class SubmitReplyCommand extends Command<SubmittedReply> {
  constructor(
    readonly articleId: string,
    readonly body: string,
    readonly parentId: string | undefined,
    readonly author: Actor,
    readonly idempotencyKey?: string,
    /** The form's hidden field came back filled. */
    readonly honeypot = false,
    /** Where it came from, for the spam checks: kept in Redis under an expiry, never in events (0015). */
    readonly client: ClientNetwork = {},
  ) {
    super();
  }
}
