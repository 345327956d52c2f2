import { EVENT_STORE, EventStore } from '@app/event-store';
import { NotFoundError } from '@app/domain';
import { Allow } from '@app/platform';
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** Every stream the system writes: `<kind>-<id>` (flags and reactions are per reply and reader). */
export const STREAM_ID = /^(article|reply|commenter|policy|batch|flag|reaction)-[A-Za-z0-9-]{1,160}$/;

export class StreamParam {
  @ApiProperty({ example: 'reply-5f0c…' })
  @Matches(STREAM_ID, { message: 'streamId must name a stream: article-, reply-, commenter-, policy-, batch-, flag- or reaction- and an id' })
  streamId: string;
}

export class StreamPageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1, description: 'The first version listed' })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'fromVersion must be a whole number' }) @Min(1) @Max(1_000_000_000)
  fromVersion = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be a whole number' }) @Min(1) @Max(500)
  limit = 100;
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/streams')
export class InspectStreamController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * A stream's events as stored, with who caused each, its commit and log position. Personal
   * fields read as their author wrote them, or as erased once the author's key is gone.
   */
  @Get(':streamId')
  @Allow('admin')
  @ApiOkResponse({ description: '{streamId, version, events: [{version, type, schemaVersion, data, commitId, position, recordedAt, actor, correlationId, causationId}], nextFromVersion}' })
  async inspect(@Param() { streamId }: StreamParam, @Query() q: StreamPageQuery, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    res.setHeader('Cache-Control', 'no-store');
    const stream = await this.store.load(streamId);
    if (stream.version === 0) throw new NotFoundError(`stream ${streamId} not found`);
    const page = stream.events.filter((e) => e.version >= q.fromVersion).slice(0, q.limit);
    const last = page[page.length - 1]?.version ?? stream.version;
    return {
      streamId,
      version: stream.version,
      events: page.map((e) => ({
        version: e.version,
        type: e.event.type,
        schemaVersion: e.event.schemaVersion,
        data: e.event.data,
        commitId: e.commitId,
        position: e.position ?? null,
        recordedAt: e.recordedAt,
        actor: e.metadata.actor,
        correlationId: e.metadata.correlationId,
        causationId: e.metadata.causationId,
      })),
      nextFromVersion: last < stream.version ? last + 1 : null,
    };
  }
}
