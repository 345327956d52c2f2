import { Actor, MAX_SUSPENSION_DAYS } from '@app/domain';
import { Allow, CurrentActor, IsOptionalNotNull, IsVisibleText } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { ChangeStandingCommand, STANDING_ACTIONS, StandingAction } from './change-standing.command';
import { CommenterProfiles } from './commenter-profiles';

export class CommenterParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('4', { message: 'id must be a commenter id (a UUID)' })
  id: string;
}

export class StandingParams extends CommenterParam {
  @ApiProperty({ enum: STANDING_ACTIONS })
  @IsIn(STANDING_ACTIONS, { message: `action must be one of ${STANDING_ACTIONS.join(', ')}` })
  action: StandingAction;
}

export class ChangeStandingDto {
  @ApiPropertyOptional({ description: "Why: kept in the commenter's history for moderators; with a ban's reject-all, also shown to the author of each rejected reply", maxLength: 1000 })
  @IsOptionalNotNull() @IsString() @MaxLength(1000) @IsVisibleText({ multiline: true })
  reason?: string;

  @ApiPropertyOptional({ description: 'suspend only: minutes until it ends by itself', minimum: 1, maximum: MAX_SUSPENSION_DAYS * 24 * 60 })
  @IsOptionalNotNull() @IsInt({ message: 'durationMinutes must be a whole number of minutes' }) @Min(1) @Max(MAX_SUSPENSION_DAYS * 24 * 60)
  durationMinutes?: number;

  @ApiPropertyOptional({ description: 'ban only: also reject every reply of theirs, as an undoable batch' })
  @IsOptionalNotNull() @IsBoolean({ message: 'rejectAll must be true or false' })
  rejectAll?: boolean;
}

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('moderation/commenters')
export class CommentersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly profiles: CommenterProfiles,
  ) {}

  /** A commenter as moderators see them: standing, its history, counts by status and their latest replies. */
  @Get(':id')
  @Allow('moderator')
  @ApiOkResponse({ description: '{commenterId, standing, suspendedUntil, history, counts, replies}' })
  async get(@Param() { id }: CommenterParam, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    res.setHeader('Cache-Control', 'no-store');
    return this.profiles.of(id);
  }

  /**
   * ban (optionally rejecting all their replies, as an undoable batch), suspend for a duration
   * (ends by itself), premod (hold every reply), trust (skip pre-moderation), restore (back to normal).
   */
  @Post(':id/:action')
  @Allow('moderator')
  @HttpCode(200)
  @ApiOkResponse({ description: '{commenterId, standing, until, batchId}; with a batch, Location: /moderation/batches/:batchId' })
  async change(@Param() { id, action }: StandingParams, @Body() dto: ChangeStandingDto, @CurrentActor() moderator: Actor, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    const changed = await this.commands.execute(new ChangeStandingCommand(id, action, moderator, dto.reason?.trim() || null, dto.durationMinutes, dto.rejectAll ? true : undefined));
    if (changed.batchId) res.setHeader('Location', `/moderation/batches/${changed.batchId}`);
    return changed;
  }
}
