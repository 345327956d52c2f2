import { NotFoundError } from '@app/domain';
import { LOG_READER, LogReader } from '@app/event-store';
import { Allow } from '@app/platform';
import { ViewReader } from '@app/read-models';
import { Controller, Headers, Inject, MessageEvent, Param, Query, Sse } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { follow } from '../../live/live-feed';
import { LogTailer } from '../../live/log-tailer';
import { articleOf, PublicReplyChanges } from '../../live/public-reply-changes';
import { ResumeQuery, resumePosition } from '../../live/stream-params';
import { ArticleIdParam } from '../../shared/id-params';

@ApiTags('replies')
@Controller('articles')
export class StreamArticleRepliesController {
  constructor(
    private readonly views: ViewReader,
    private readonly tailer: LogTailer,
    @Inject(LOG_READER) private readonly reader: LogReader,
    private readonly changes: PublicReplyChanges,
  ) {}

  /**
   * Live changes of the article's thread as server-sent events: `reply` with the reply's
   * public view when it is published, an edit of it is published, it is featured, or it is
   * taken down (`hidden`), retracted or removed (placeholders, no text). Replies never
   * published never appear. Each event's id is its log position: reconnect with
   * Last-Event-ID to resume after it; more than 1000 behind, a `reset` event says to reload
   * the thread. A comment line every 15 s keeps the connection open.
   */
  @Sse(':id/replies/stream')
  @Allow('anyone')
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The id of the last event received: the stream resumes after it' })
  @ApiOkResponse({ description: 'text/event-stream of `reply` events (data: {id, parentId, status, author, body, featured, submittedAt, editedAt}) and `reset` events (data: {position, reason})' })
  async stream(@Param() { id }: ArticleIdParam, @Query() q: ResumeQuery, @Headers('last-event-id') lastEventId?: string): Promise<Observable<MessageEvent>> {
    const after = resumePosition(lastEventId, q.lastEventId);
    if (!(await this.views.article(id))) throw new NotFoundError(`article ${id} not found`);
    return follow(this.tailer, this.reader, {
      lastEventId: after,
      render: (entry) => (articleOf(entry) === id ? this.changes.render(entry) : Promise.resolve(null)),
    });
  }
}
