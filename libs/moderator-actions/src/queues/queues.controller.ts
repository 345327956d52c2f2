import { InvalidCommandError } from '@app/domain';
import { Allow, ARTICLE_ID, IsOptionalNotNull } from '@app/platform';
import { InvalidCursorError, MODERATION_QUEUES, ModerationQueue, QueueOrder, QueueReader } from '@app/read-models';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class QueueParam {
  @ApiProperty({ enum: MODERATION_QUEUES })
  @IsIn(MODERATION_QUEUES, { message: `queue must be one of ${MODERATION_QUEUES.join(', ')}` })
  queue: ModerationQueue;
}

export class QueuePageQuery {
  @ApiPropertyOptional({ description: 'Only this article' })
  @IsOptionalNotNull() @Matches(ARTICLE_ID, { message: 'articleId must be an article id' })
  articleId?: string;

  @ApiPropertyOptional({ enum: ['newest', 'oldest'], default: 'newest' })
  @IsOptionalNotNull() @IsIn(['newest', 'oldest'], { message: 'order must be newest or oldest' })
  order?: QueueOrder;

  @ApiPropertyOptional({ description: 'From the previous page' })
  @IsOptionalNotNull() @IsString() @MaxLength(500)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be a whole number' }) @Min(1) @Max(100)
  limit = 20;
}

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('moderation/queues')
export class QueuesController {
  constructor(private readonly queues: QueueReader) {}

  /** How many replies wait in each queue: one lookup. */
  @Get()
  @Allow('moderator')
  @ApiOkResponse({ description: '{pending, spam, rejected, approved}' })
  counts() {
    return this.queues.counts();
  }

  /** A page of a queue, newest or oldest first, for all articles or one; each item with its reasons. */
  @Get(':queue')
  @Allow('moderator')
  @ApiOkResponse({ description: '{queue, count, items: [{id, articleId, authorName, commenterId, excerpt, status, score, reasons, enteredAt}], nextCursor}' })
  async page(@Param() { queue }: QueueParam, @Query() q: QueuePageQuery) {
    try {
      return await this.queues.page(queue, { articleId: q.articleId, order: q.order ?? 'newest', limit: q.limit, cursor: q.cursor });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new InvalidCommandError(error.message, 'cursor');
      throw error;
    }
  }
}
