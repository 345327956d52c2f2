import { ModerationBatch, NotFoundError } from '@app/domain';
import { createStream, StreamConflictError } from '@app/event-store';
import { Aggregates, Clock, CLOCK, CommenterDirectory } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { ChangedStanding, ChangeStandingCommand } from './change-standing.command';

const STANDING_OF = { ban: 'banned', suspend: 'suspended', premod: 'premod', trust: 'trusted', restore: 'restore' } as const;

/**
 * The decision goes into the commenter's stream first; a ban's reject-all batch second. The ban
 * names its batch, so if this stops between the two the moderation jobs request the batch.
 */
@CommandHandler(ChangeStandingCommand)
export class ChangeStandingHandler implements ICommandHandler<ChangeStandingCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly commenters: CommenterDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ commenterId, action, moderator, reason, durationMinutes, rejectAll }: ChangeStandingCommand): Promise<ChangedStanding> {
    const batchId = rejectAll ? randomUUID() : undefined;
    for (let attempt = 0; ; attempt++) {
      const { commenter, stream } = await this.aggregates.commenter(commenterId);
      if (stream.version === 0 && !(await this.commenters.exists(commenterId))) throw new NotFoundError(`commenter ${commenterId} not found`);
      const now = this.clock();
      commenter.changeStanding({ standing: STANDING_OF[action], reason, durationMinutes, rejectAllBatchId: batchId }, now);
      const events = commenter.pullEvents();
      try {
        if (events.length > 0) await this.aggregates.store.append(stream, events, { actor: moderator, correlationId: batchId ?? randomUUID(), causationId: null });
      } catch (error) {
        if (error instanceof StreamConflictError && attempt < 3) continue;
        throw error;
      }
      if (batchId) {
        const batch = ModerationBatch.request({ batchId, action: 'reject', reason, selection: { commenterId } }, now);
        // False when the moderation jobs recorded it from the ban first: the same batch, done.
        await createStream(this.aggregates.store, ModerationBatch.streamId(batchId), batch.pullEvents(), { actor: moderator, correlationId: batchId, causationId: null });
      }
      return { commenterId, standing: commenter.standing, until: commenter.suspendedUntil?.toISOString() ?? null, batchId: batchId ?? null };
    }
  }
}
