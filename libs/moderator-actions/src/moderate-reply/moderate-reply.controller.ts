import { Actor } from '@app/domain';
import { Allow, CurrentActor, IsOptionalNotNull, IsVisibleText, ProblemException, REPLY_ID } from '@app/platform';
import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { MODERATOR_ACTIONS, ModerateReplyCommand, ModeratorVerb } from './moderate-reply.command';

export class ModerateReplyParams {
  @ApiProperty() @Matches(REPLY_ID, { message: 'id must be a reply id' })
  id: string;

  @ApiProperty({ enum: MODERATOR_ACTIONS }) @IsIn(MODERATOR_ACTIONS, { message: `action must be one of ${MODERATOR_ACTIONS.join(', ')}` })
  action: ModeratorVerb;
}

export class ModerateReplyDto {
  @ApiPropertyOptional({ description: 'Shown to the author as the reason (the statement of reasons)', maxLength: 1000 })
  @IsOptionalNotNull() @IsString() @MaxLength(1000) @IsVisibleText({ multiline: true })
  reason?: string;
}

/** A strong ETag naming one version: `"7"`. A moderator must name the version they saw. */
const ETAG = /^"(\d{1,9})"$/;

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('moderation/replies')
export class ModerateReplyController {
  constructor(private readonly commands: CommandBus) {}

  /** Approve, reject, mark as spam, feature or unfeature a reply, as of the version seen. */
  @Post(':id/:action')
  @Allow('moderator')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the reply as the moderator saw it (GET /replies/:id); 428 without it, 412 if it changed' })
  @ApiOkResponse({ description: '{id, status, featured, version}; ETag of the new version' })
  async moderate(
    @Param() { id, action }: ModerateReplyParams,
    @Body() dto: ModerateReplyDto,
    @CurrentActor() moderator: Actor,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
  ) {
    if (ifMatch === undefined) throw new ProblemException(428, 'a moderator decision needs If-Match with the ETag of the reply as you saw it');
    const seen = ETAG.exec(ifMatch.trim());
    if (!seen) throw new ProblemException(412, 'If-Match must be the one ETag you saw, such as "3"');
    const result = await this.commands.execute(new ModerateReplyCommand(id, action, moderator, Number(seen[1]), dto.reason?.trim() || null));
    res.setHeader('ETag', `"${result.version}"`);
    return result;
  }
}
