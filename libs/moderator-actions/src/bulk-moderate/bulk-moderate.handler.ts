import { ModerationBatch } from '@app/domain';
import { Aggregates, Clock, CLOCK } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { BulkModerateCommand, RequestedBatch } from './bulk-moderate.command';

/**
 * Records the request in the batch's own stream; the moderation-jobs dispatcher reads it from
 * the log and queues the job, so a request once answered is carried out whatever Redis does.
 */
@CommandHandler(BulkModerateCommand)
export class BulkModerateHandler implements ICommandHandler<BulkModerateCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ action, selection, reason, moderator }: BulkModerateCommand): Promise<RequestedBatch> {
    const batchId = randomUUID();
    const batch = ModerationBatch.request({ batchId, action, reason, selection }, this.clock());
    await this.aggregates.store.append({ streamId: ModerationBatch.streamId(batchId), version: 0, head: null }, batch.pullEvents(), { actor: moderator, correlationId: batchId, causationId: null });
    return { batchId, state: 'running' };
  }
}
