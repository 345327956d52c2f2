import { InvalidCommandError } from '@app/domain';
import { InvalidCursorError, ThreadReader, ViewReader } from '@app/read-models';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Aggregates } from '../../shared/streams';
import { GetThreadQuery } from './get-thread.query';

@QueryHandler(GetThreadQuery)
export class GetThreadHandler implements IQueryHandler<GetThreadQuery> {
  constructor(
    private readonly threads: ThreadReader,
    private readonly views: ViewReader,
    private readonly aggregates: Aggregates,
  ) {}

  async execute({ articleId, sort, limit, cursor }: GetThreadQuery) {
    // The view can trail the log by a moment; the stream says whether the article exists.
    if (!(await this.views.article(articleId))) await this.aggregates.article(articleId);
    try {
      return await this.threads.page(articleId, sort, limit, cursor);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new InvalidCommandError(error.message, 'cursor');
      throw error;
    }
  }
}
