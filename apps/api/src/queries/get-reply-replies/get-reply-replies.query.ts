import { ThreadPage } from '@app/read-models';
import { Query } from '@nestjs/cqrs';

/** A page of one reply's direct replies, after its preview or a previous page. */
export class GetReplyRepliesQuery extends Query<ThreadPage> {
  constructor(
    readonly replyId: string,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
