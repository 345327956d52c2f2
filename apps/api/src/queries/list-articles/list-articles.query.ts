import { ArticleView } from '@app/read-models';
import { Query } from '@nestjs/cqrs';

export class ListArticlesQuery extends Query<ArticleView[]> {
  constructor(
    readonly limit: number,
    readonly offset: number,
  ) {
    super();
  }
}
