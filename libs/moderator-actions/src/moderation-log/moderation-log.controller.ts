import { InvalidCommandError } from '@app/domain';
import { Allow, ARTICLE_ID, IsOptionalNotNull, IsVisibleText } from '@app/platform';
import { InvalidCursorError, ModerationLogReader } from '@app/read-models';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class ModerationLogQuery {
  @ApiPropertyOptional({ description: 'Only this article' })
  @IsOptionalNotNull() @Matches(ARTICLE_ID, { message: 'articleId must be an article id' })
  articleId?: string;

  @ApiPropertyOptional({ description: "Only this moderator's decisions (their account id)" })
  @IsOptionalNotNull() @IsString() @MaxLength(200) @IsVisibleText()
  moderator?: string;

  @ApiPropertyOptional({ description: 'From the previous page' })
  @IsOptionalNotNull() @IsString() @MaxLength(500)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'limit must be a whole number' }) @Min(1) @Max(100)
  limit = 50;
}

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('moderation/log')
export class ModerationLogController {
  constructor(private readonly log: ModerationLogReader) {}

  /** Who or which rule acted on which reply, why, when, under which policy and model version; newest first. */
  @Get()
  @Allow('moderator')
  @ApiOkResponse({ description: '{entries: [{at, replyId, articleId, action, by, status, previousStatus, reason, reasons, policyVersion, modelVersion, batchId}], nextCursor}' })
  async page(@Query() q: ModerationLogQuery) {
    try {
      return await this.log.page({ articleId: q.articleId, moderator: q.moderator, limit: q.limit, cursor: q.cursor });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new InvalidCommandError(error.message, 'cursor');
      throw error;
    }
  }
}
