import { Actor, InvalidCommandError } from '@app/domain';
import { Allow, CurrentActor, ProblemException } from '@app/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ArticleIdParam } from '../../shared/id-params';
import { GetThreadQuery } from './get-thread.query';

export class ThreadQueryDto {
  @ApiPropertyOptional({ enum: ['newest', 'oldest', 'top'], default: 'newest' })
  @IsOptional() @IsIn(['newest', 'oldest', 'top'])
  sort: 'newest' | 'oldest' | 'top' = 'newest';

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit = 20;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ description: 'Moderators and admins: the thread as readers saw it at this moment (ISO 8601 with a time zone), replayed from the log', example: '2026-11-28T15:00:00Z' })
  @IsOptional() @IsString() @MaxLength(40)
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, { message: 'asOf must be an ISO 8601 time with a time zone, such as 2026-11-28T15:00:00Z' })
  asOf?: string;
}

@ApiTags('replies')
@Controller('articles')
export class GetThreadController {
  constructor(private readonly queries: QueryBus) {}

  /**
   * Published top-level replies, each with its first direct replies (`replies`) and a
   * `repliesCursor` for the rest at `GET /replies/:id/replies`.
   */
  @Get(':id/replies')
  @Allow('anyone')
  thread(@Param() { id }: ArticleIdParam, @Query() q: ThreadQueryDto, @CurrentActor() actor?: Actor) {
    let asOf: Date | undefined;
    if (q.asOf !== undefined) {
      // Time travel shows text later retracted or refused: for moderators and admins only.
      if (!actor) throw new ProblemException(401, 'time travel (asOf) needs a moderator or admin token');
      if (actor.kind !== 'moderator' && actor.kind !== 'admin') throw new ProblemException(403, 'time travel (asOf) is for moderators and admins');
      asOf = new Date(q.asOf);
      if (Number.isNaN(asOf.getTime())) throw new InvalidCommandError('asOf must be a real moment', 'asOf');
    }
    return this.queries.execute(new GetThreadQuery(id, q.sort, q.limit, q.cursor, asOf));
  }
}
