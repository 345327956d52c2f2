import { Actor, CommenterStanding } from '@app/domain';
import { Command } from '@nestjs/cqrs';

export const STANDING_ACTIONS = ['ban', 'suspend', 'premod', 'trust', 'restore'] as const;
export type StandingAction = (typeof STANDING_ACTIONS)[number];

export interface ChangedStanding {
  commenterId: string;
  standing: CommenterStanding;
  until: string | null;
  /** A ban's reject-all: the batch rejecting their replies, to follow or undo. */
  batchId: string | null;
}

export class ChangeStandingCommand extends Command<ChangedStanding> {
  constructor(
    readonly commenterId: string,
    readonly action: StandingAction,
    readonly moderator: Actor,
    readonly reason: string | null,
    readonly durationMinutes?: number,
    readonly rejectAll?: boolean,
  ) {
    super();
  }
}
