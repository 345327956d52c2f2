import { Actor, BatchSelection, ModeratorAction } from '@app/domain';
import { Command } from '@nestjs/cqrs';

export interface RequestedBatch {
  batchId: string;
  state: 'running';
}

/** One decision on many replies: recorded now, carried out by a job. */
export class BulkModerateCommand extends Command<RequestedBatch> {
  constructor(
    readonly action: ModeratorAction,
    readonly selection: BatchSelection,
    readonly reason: string | null,
    readonly moderator: Actor,
  ) {
    super();
  }
}
