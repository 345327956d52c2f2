import { InvalidCommandError } from '@app/domain';
import { InvalidCursorError, ThreadReader } from '@app/read-models';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Aggregates } from '@app/platform';
import { GetReplyRepliesQuery } from './get-reply-replies.query';

@QueryHandler(GetReplyRepliesQuery)
export class GetReplyRepliesHandler implements IQueryHandler<GetReplyRepliesQuery> {
  constructor(
    private readonly threads: ThreadReader,
    private readonly aggregates: Aggregates,
  ) {}

  async execute({ replyId, limit, cursor }: GetReplyRepliesQuery) {
    let page;
    try {
      page = await this.threads.replies(replyId, limit, cursor);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new InvalidCommandError(error.message, 'cursor');
      throw error;
    }
    // Only an empty first page asks whether the reply exists (the thread, then the stream,
    // which the thread can trail by a moment): 404 for a reply nobody submitted.
    if (page.items.length === 0 && cursor === undefined && !(await this.threads.knows(replyId))) await this.aggregates.reply(replyId);
    return page;
  }
}
