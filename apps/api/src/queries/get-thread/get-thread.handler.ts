import { InvalidCommandError } from '@app/domain';
import { InvalidCursorError, ThreadReader, TimeTravel, ViewReader } from '@app/read-models';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Aggregates } from '@app/platform';
import { GetThreadQuery } from './get-thread.query';

@QueryHandler(GetThreadQuery)
export class GetThreadHandler implements IQueryHandler<GetThreadQuery> {
  constructor(
    private readonly threads: ThreadReader,
    private readonly views: ViewReader,
    private readonly aggregates: Aggregates,
    private readonly timeTravel: TimeTravel,
  ) {}

  async execute({ articleId, sort, limit, cursor, asOf }: GetThreadQuery) {
    let page;
    try {
      if (asOf) {
        await this.aggregates.article(articleId);
        return await this.timeTravel.threadAsOf(articleId, asOf, sort, limit, cursor);
      }
      page = await this.threads.page(articleId, sort, limit, cursor);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new InvalidCommandError(error.message, 'cursor');
      throw error;
    }
    // Only an empty page asks whether the article exists (the view, then the stream, which
    // the view can trail by a moment): a busy thread's page stays its own lookups.
    if (page.items.length === 0 && !(await this.views.article(articleId))) await this.aggregates.article(articleId);
    return page;
  }
}
