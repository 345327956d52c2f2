import { Reply, ReplyEvent } from '@app/domain';
import { EVENT_STORE, EventStore, realEvents } from '@app/event-store';
import { Allow, REPLY_ID } from '@app/platform';
import { NotFoundError } from '@app/domain';
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class ReplyHistoryParam {
  @ApiProperty() @Matches(REPLY_ID, { message: 'id must be a reply id' })
  id: string;
}

/** What one event did to a reply, in a moderator's words. */
function stepOf(event: ReplyEvent): Record<string, unknown> {
  switch (event.type) {
    case 'reply.submitted':
      return { change: 'submitted', status: event.data.status, body: event.data.body };
    case 'reply.edited':
      return { change: 'edited', body: event.data.body, previousBody: event.data.previousBody };
    case 'reply.screened':
      return { change: 'verdict', status: event.data.status, previousStatus: event.data.previousStatus, decision: event.data.decision, score: event.data.score, reasons: event.data.reasons, scoredVersion: event.data.scoredVersion, policyVersion: event.data.policyVersion, modelVersion: event.data.modelVersion };
    case 'reply.moderated':
      return { change: event.data.action === 'restore' ? 'restored' : 'decision', action: event.data.action, status: event.data.status, previousStatus: event.data.previousStatus, reason: event.data.reason, batchId: event.data.batchId, settlesAppeal: event.data.settlesAppeal === true };
    case 'reply.appealed':
      return { change: 'appealed', note: event.data.note, status: event.data.status };
    case 'reply.retracted':
      return { change: 'retracted', status: 'retracted', previousStatus: event.data.previousStatus };
    case 'reply.erased':
      return { change: 'erased', status: 'removed', previousStatus: event.data.previousStatus };
    case 'reply.featured':
      return { change: 'featured' };
    case 'reply.unfeatured':
      return { change: 'unfeatured' };
  }
}

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('replies')
export class GetReplyHistoryController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * Every version of a reply and every status change, with who or what caused it (the author,
   * a moderator, an admin, or the system and its rule), from its stream: never behind a view.
   */
  @Get(':id/history')
  @Allow('moderator')
  @ApiOkResponse({ description: '{replyId, version, steps: [{version, at, by, change, status, previousStatus, body, reason, ...}]}' })
  async history(@Param() { id }: ReplyHistoryParam, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    res.setHeader('Cache-Control', 'no-store');
    const stream = await this.store.load<ReplyEvent>(Reply.streamId(id));
    // Versions filled as abandoned (decision 0037) are no part of a reply's history.
    const events = realEvents(stream.events);
    if (events.length === 0) throw new NotFoundError(`reply ${id} not found`);
    return {
      replyId: id,
      version: stream.version,
      steps: events.map((e) => ({
        version: e.version,
        at: e.recordedAt,
        position: e.position ?? null,
        by: { kind: e.metadata.actor.kind, id: e.metadata.actor.id, name: e.metadata.actor.name },
        ...stepOf(e.event),
      })),
    };
  }
}
