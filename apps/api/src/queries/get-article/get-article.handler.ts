import { NotFoundError } from '@app/domain';
import { ViewReader } from '@app/read-models';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { GetArticleQuery } from './get-article.query';

@QueryHandler(GetArticleQuery)
export class GetArticleHandler implements IQueryHandler<GetArticleQuery> {
  constructor(private readonly views: ViewReader) {}

  async execute({ articleId }: GetArticleQuery) {
    const article = await this.views.article(articleId);
    if (!article) throw new NotFoundError(`article ${articleId} not found`);
    return article;
  }
}
