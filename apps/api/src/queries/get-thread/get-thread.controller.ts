import { Allow } from '@app/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
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
  thread(@Param() { id }: ArticleIdParam, @Query() q: ThreadQueryDto) {
    return this.queries.execute(new GetThreadQuery(id, q.sort, q.limit, q.cursor));
  }
}
