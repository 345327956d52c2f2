import { DeadLetterDocument } from '@app/event-store';
import { Query } from '@nestjs/cqrs';

export class ListDeadLettersQuery extends Query<DeadLetterDocument[]> {
  constructor(readonly status: 'parked' | 'resolved' | undefined) {
    super();
  }
}
