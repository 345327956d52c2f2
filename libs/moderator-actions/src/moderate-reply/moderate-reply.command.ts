import { Actor } from '@app/domain';
import { Command } from '@nestjs/cqrs';

export const MODERATOR_ACTIONS = ['approve', 'reject', 'spam', 'feature', 'unfeature'] as const;
export type ModeratorVerb = (typeof MODERATOR_ACTIONS)[number];

export interface ModeratedReply {
  id: string;
  status: string;
  featured: boolean;
  /** The reply's stream version after the decision: its new ETag. */
  version: number;
}

/** A moderator's decision on one reply, against the version they saw. */
export class ModerateReplyCommand extends Command<ModeratedReply> {
  constructor(
    readonly replyId: string,
    readonly action: ModeratorVerb,
    readonly moderator: Actor,
    /** The version the moderator saw; a decision on anything newer is refused (412). */
    readonly seenVersion: number,
    readonly reason: string | null,
    readonly batchId: string | null = null,
  ) {
    super();
  }
}
