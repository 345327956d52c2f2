import { ReplyDetail } from '@app/read-models';
import { Query } from '@nestjs/cqrs';

export class GetReplyQuery extends Query<Omit<ReplyDetail, 'position' | 'eventIndex'>> {
  constructor(readonly replyId: string) {
    super();
  }
}
