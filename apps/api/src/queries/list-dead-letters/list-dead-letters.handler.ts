import { DeadLetterDocument, EventStoreCollections } from '@app/event-store';
import { MONGO_DB } from '@app/platform';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { mongo } from 'mongoose';
import { ListDeadLettersQuery } from './list-dead-letters.query';

@QueryHandler(ListDeadLettersQuery)
export class ListDeadLettersHandler implements IQueryHandler<ListDeadLettersQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: mongo.Db) {}

  /** Dead letters are few (one per poisoned article and consumer): a sorted scan is fine. */
  execute({ status }: ListDeadLettersQuery) {
    return this.db
      .collection<DeadLetterDocument>(EventStoreCollections.deadLetters)
      .find(status ? { status } : {})
      .sort({ updatedAt: -1, _id: 1 })
      .limit(200)
      .toArray();
  }
}
