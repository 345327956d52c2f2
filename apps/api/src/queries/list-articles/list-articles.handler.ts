import { ViewReader } from '@app/read-models';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ListArticlesQuery } from './list-articles.query';

@QueryHandler(ListArticlesQuery)
export class ListArticlesHandler implements IQueryHandler<ListArticlesQuery> {
  constructor(private readonly views: ViewReader) {}

  execute({ limit, offset }: ListArticlesQuery) {
    return this.views.articles(limit, offset);
  }
}
