import { Actor } from '@app/domain';
import { ModerationPolicy } from '@app/moderation';
import { Command } from '@nestjs/cqrs';

export class ChangePolicyCommand extends Command<{ policy: ModerationPolicy; changedAt: string | null }> {
  constructor(
    readonly rules: Record<string, unknown>,
    readonly reason: string | null,
    readonly admin: Actor,
    /** The policy version the admin read. */
    readonly seenVersion: number,
  ) {
    super();
  }
}
