import { Allow } from '@app/platform';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ReplyIdParam } from '../../shared/id-params';
import { GetReplyRepliesQuery } from './get-reply-replies.query';

export class ReplyRepliesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit = 20;

  @ApiPropertyOptional({ description: 'repliesCursor of the reply in a thread page, or nextCursor of the previous page' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

@ApiTags('replies')
@Controller('replies')
export class GetReplyRepliesController {
  constructor(private readonly queries: QueryBus) {}

  /**
   * The direct replies of a reply, oldest first: published ones, and a placeholder for a
   * retracted one that still has published replies. Each carries the first of its own.
   */
  @Get(':id/replies')
  @Allow('anyone')
  replies(@Param() { id }: ReplyIdParam, @Query() q: ReplyRepliesQueryDto) {
    return this.queries.execute(new GetReplyRepliesQuery(id, q.limit, q.cursor));
  }
}
