import { noReactions } from '@app/domain';
import { ViewReader } from '@app/read-models';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Aggregates } from '@app/platform';
import { GetReplyQuery } from './get-reply.query';

@QueryHandler(GetReplyQuery)
export class GetReplyHandler implements IQueryHandler<GetReplyQuery> {
  constructor(
    private readonly views: ViewReader,
    private readonly aggregates: Aggregates,
  ) {}

  /** The detail view; just after a submission, before it is projected, the stream itself. */
  async execute({ replyId }: GetReplyQuery) {
    const view = await this.views.reply(replyId);
    if (view) return view;
    const { reply, stream } = await this.aggregates.reply(replyId);
    return {
      _id: reply.id,
      articleId: reply.articleId,
      parentId: reply.parentId,
      rootId: reply.rootId,
      depth: reply.depth,
      author: reply.author,
      body: reply.body,
      publicBody: reply.status === 'published' && !reply.revisionAwaitingVerdict ? reply.body : '',
      status: reply.status,
      featured: reply.featured,
      verdict: null,
      decision: null,
      submittedAt: reply.submittedAt.toISOString(),
      editedAt: null,
      version: stream.version,
      history: [],
      reactions: noReactions(),
    };
  }
}
