import { ConflictError, NotFoundError } from '@app/domain';
import { DeadLetterDocument, DeadLetterRetryDocument, EventStoreCollections, isDuplicateKey, retryRequestId } from '@app/event-store';
import { MONGO_DB } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { mongo } from 'mongoose';
import { RetryDeadLetterCommand } from './retry-dead-letter.command';

/**
 * Asks the consumer holding a dead letter to replay its partition. The request is its own
 * insert-only document, one per attempt, so the consumer stays the only writer of its state
 * and a repeated request for the same attempt is the same request.
 */
@CommandHandler(RetryDeadLetterCommand)
export class RetryDeadLetterHandler implements ICommandHandler<RetryDeadLetterCommand> {
  constructor(@Inject(MONGO_DB) private readonly db: mongo.Db) {}

  async execute({ deadLetterId, actor }: RetryDeadLetterCommand) {
    const letter = await this.db.collection<DeadLetterDocument>(EventStoreCollections.deadLetters).findOne({ _id: deadLetterId });
    if (!letter) throw new NotFoundError(`dead letter ${deadLetterId} not found`);
    if (letter.status === 'resolved') throw new ConflictError(`dead letter ${deadLetterId} is already resolved`);
    try {
      await this.db
        .collection<DeadLetterRetryDocument>(EventStoreCollections.deadLetterRetries)
        .insertOne({ _id: retryRequestId(letter), requestedAt: new Date(), requestedBy: actor.id });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    return { id: letter._id, attempts: letter.attempts };
  }
}
