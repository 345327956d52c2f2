import { ArticleView } from '@app/read-models';
import { Query } from '@nestjs/cqrs';

export class GetArticleQuery extends Query<ArticleView> {
  constructor(readonly articleId: string) {
    super();
  }
}
