import { MAX_BATCH_REPLIES } from '@app/domain';
import { ARTICLE_ID, IsOptionalNotNull, IsVisibleText, NestedObject } from '@app/platform';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsISO8601, IsString, Matches, Max, Min, MaxLength } from 'class-validator';
import { PolicyDto } from '../../commands/change-policy/policy.dto';

/**
 * A what-if: which policy (exactly one of `policyVersion` and `draft`) over which replies (an
 * article, a time range, or both). The cross-field rules are the handler's; shapes are here.
 */
export class WhatIfDto {
  @ApiPropertyOptional({ minimum: 0, description: 'A policy version from the policy stream (0: the starting policy)' })
  @IsOptionalNotNull() @IsInt({ message: 'policyVersion must be a whole number' }) @Min(0) @Max(1_000_000_000)
  policyVersion?: number;

  @ApiPropertyOptional({ type: PolicyDto, description: 'A policy not in force: the whole document, as PUT /admin/policy takes it (without reason)' })
  @IsOptionalNotNull() @NestedObject(() => PolicyDto)
  draft?: PolicyDto;

  @ApiPropertyOptional({ description: "The article whose replies are replayed" })
  @IsOptionalNotNull() @IsString() @Matches(ARTICLE_ID, { message: 'articleId must be an article id' })
  articleId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Replies whose submission the log sequenced at or after this' })
  @IsOptionalNotNull() @IsString() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Replies whose submission the log sequenced at or before this' })
  @IsOptionalNotNull() @IsString() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' })
  to?: string;

  @ApiPropertyOptional({ default: false, description: `Apply the changes that have a moderator action as one batch (at most ${MAX_BATCH_REPLIES}), undoable at /moderation/batches/:id/undo` })
  @IsOptionalNotNull() @IsBoolean({ message: 'apply must be true or false' })
  apply?: boolean;

  @ApiPropertyOptional({ maxLength: 1000, description: 'With apply: shown to each author as the reason' })
  @IsOptionalNotNull() @IsString() @MaxLength(1000) @IsVisibleText({ multiline: true })
  reason?: string;
}
