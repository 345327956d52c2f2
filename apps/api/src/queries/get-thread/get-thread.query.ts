import { ThreadPage, ThreadSort } from '@app/read-models';
import { Query } from '@nestjs/cqrs';

export class GetThreadQuery extends Query<ThreadPage> {
  constructor(
    readonly articleId: string,
    readonly sort: ThreadSort,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
