import { ThreadPage, ThreadSort } from '@app/read-models';
import { Query } from '@nestjs/cqrs';

export class GetThreadQuery extends Query<ThreadPage> {
  constructor(
    readonly articleId: string,
    readonly sort: ThreadSort,
    readonly limit: number,
    readonly cursor?: string,
    /** Time travel: the thread as readers saw it then (moderators and admins). */
    readonly asOf?: Date,
  ) {
    super();
  }
}
