import { Actor, FLAG_REASONS, FlagReason, MAX_FLAG_NOTE_LENGTH } from '@app/domain';
import { Allow, CurrentActor, IsOptionalNotNull, IsVisibleText, RateLimited } from '@app/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { ReplyIdParam } from '../../shared/id-params';
import { FlagReplyCommand } from './flag-reply.command';

export class FlagReplyDto {
  @ApiProperty({ enum: FLAG_REASONS })
  @IsIn(FLAG_REASONS, { message: `reason must be one of ${FLAG_REASONS.join(', ')}` })
  reason: FlagReason;

  @ApiPropertyOptional({ description: 'What a moderator should know', maxLength: MAX_FLAG_NOTE_LENGTH })
  @IsOptionalNotNull() @IsString() @MaxLength(MAX_FLAG_NOTE_LENGTH) @IsVisibleText({ multiline: true })
  note?: string;
}

@ApiTags('replies')
@ApiBearerAuth()
@Controller('replies')
export class FlagReplyController {
  constructor(private readonly commands: CommandBus) {}

  /** One flag per reader per reply; enough of them put the reply in the reported queue (it stays up until a moderator acts, unless the policy hides at the threshold: docs/decisions/0030). */
  @Post(':id/flags')
  @Allow('reader')
  @RateLimited('flag')
  @HttpCode(201)
  @ApiCreatedResponse({ description: '{replyId, reason}' })
  async flag(@Param() { id }: ReplyIdParam, @Body() dto: FlagReplyDto, @CurrentActor() reader: Actor) {
    return this.commands.execute(new FlagReplyCommand(id, reader, dto.reason, dto.note?.trim() || null));
  }
}
