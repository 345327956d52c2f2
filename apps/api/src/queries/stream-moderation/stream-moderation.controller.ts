import { LOG_READER, LogReader } from '@app/event-store';
import { Allow, ProblemException, rankOf, ROLE_RANK } from '@app/platform';
import { Controller, Headers, Inject, MessageEvent, Query, Sse } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Observable } from 'rxjs';
import { follow } from '../../live/live-feed';
import { LogTailer } from '../../live/log-tailer';
import { renderQueueChange } from '../../live/moderation-changes';
import { ResumeQuery, resumePosition } from '../../live/stream-params';
import { TicketService } from '../../shared/tickets';

export class ModerationStreamQuery extends ResumeQuery {
  @ApiProperty({ description: 'From POST /moderation/stream-tickets (EventSource cannot send a bearer header)' })
  @IsOptional() @IsString() @MaxLength(100)
  ticket?: string;
}

@ApiTags('moderation')
@Controller('moderation')
export class StreamModerationController {
  constructor(
    private readonly tickets: TicketService,
    private readonly tailer: LogTailer,
    @Inject(LOG_READER) private readonly reader: LogReader,
  ) {}

  /**
   * Live queue changes for moderators as server-sent events: `queue` events
   * ({replyId, articleId, change, status, previousStatus, action?, queues}) when a reply
   * enters or leaves pending, spam, rejected, approved or reported. Refresh the queues named.
   * Ids are log positions (Last-Event-ID resumes; more than 1000 behind: `reset`). The ticket
   * is checked when the stream opens; after it expires, a reconnect needs a new one
   * (with `?lastEventId=`).
   */
  @Sse('stream')
  @Allow('anyone') // the ticket is the credential: checked below, before the stream starts
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiOkResponse({ description: 'text/event-stream of `queue` and `reset` events' })
  @ApiUnauthorizedResponse({ description: 'no ticket, or one that is unknown, expired or for something else' })
  async stream(@Query() q: ModerationStreamQuery, @Headers('last-event-id') lastEventId?: string): Promise<Observable<MessageEvent>> {
    const after = resumePosition(lastEventId, q.lastEventId);
    const holder = await this.tickets.redeem('moderation-stream', q.ticket);
    if (!holder) throw new ProblemException(401, 'the ticket is unknown, expired or not for this stream: get a new one from POST /moderation/stream-tickets');
    if (rankOf(holder.role) < ROLE_RANK.moderator) throw new ProblemException(403, 'this needs the moderator role');
    return follow(this.tailer, this.reader, { lastEventId: after, render: async (entry) => renderQueueChange(entry) });
  }
}
