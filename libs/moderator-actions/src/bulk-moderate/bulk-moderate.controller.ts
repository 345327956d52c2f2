import { Actor, MAX_BATCH_REPLIES, ModeratorAction } from '@app/domain';
import { Allow, CurrentActor, IsOptionalNotNull, IsVisibleText, REPLY_ID } from '@app/platform';
import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { BulkModerateCommand } from './bulk-moderate.command';

export const BULK_ACTIONS: readonly ModeratorAction[] = ['approve', 'reject', 'spam'];

export class BulkModerateDto {
  @ApiProperty({ enum: BULK_ACTIONS })
  @IsIn(BULK_ACTIONS, { message: `action must be one of ${BULK_ACTIONS.join(', ')}` })
  action: ModeratorAction;

  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_BATCH_REPLIES, description: 'Reply ids, each once' })
  @IsArray({ message: 'replyIds must be an array of reply ids' })
  @ArrayMinSize(1, { message: 'replyIds must name at least one reply' })
  @ArrayMaxSize(MAX_BATCH_REPLIES, { message: `replyIds takes at most ${MAX_BATCH_REPLIES} replies` })
  @ArrayUnique({ message: 'replyIds must name each reply once' })
  @Matches(REPLY_ID, { each: true, message: 'each of replyIds must be a reply id' })
  replyIds: string[];

  @ApiPropertyOptional({ description: 'Shown to each author as the reason', maxLength: 1000 })
  @IsOptionalNotNull() @IsString() @MaxLength(1000) @IsVisibleText({ multiline: true })
  reason?: string;
}

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('moderation/bulk')
export class BulkModerateController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * One decision on up to 500 replies, carried out by a job: answers the batch id at once; the
   * batch's progress and outcome are at its Location. Replies already in that state are left.
   */
  @Post()
  @Allow('moderator')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: '{batchId, state}; Location: /moderation/batches/:batchId' })
  async bulk(@Body() dto: BulkModerateDto, @CurrentActor() moderator: Actor, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    const requested = await this.commands.execute(new BulkModerateCommand(dto.action, { replyIds: dto.replyIds }, dto.reason?.trim() || null, moderator));
    res.setHeader('Location', `/moderation/batches/${requested.batchId}`);
    return requested;
  }
}
