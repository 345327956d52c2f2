import { Actor, MAX_APPEAL_NOTE_LENGTH } from '@app/domain';
import { Allow, CurrentActor, IsVisibleText } from '@app/platform';
import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsString, MaxLength } from 'class-validator';
import { ReplyIdParam } from '../../shared/id-params';
import { etagOf } from '../../shared/request-context';
import { AppealReplyCommand } from './appeal-reply.command';

export class AppealDto {
  @ApiProperty({ maxLength: MAX_APPEAL_NOTE_LENGTH, description: 'Why a moderator should look again; moderators read it with the reply' })
  @IsDefined() @IsString() @MaxLength(MAX_APPEAL_NOTE_LENGTH) @IsVisibleText({ multiline: true })
  note: string;
}

@ApiTags('replies')
@ApiBearerAuth()
@Controller('replies')
export class AppealReplyController {
  constructor(private readonly commands: CommandBus) {}

  /** The author of a held, rejected or spam reply asks a moderator to look again: once; the decision is final. */
  @Post(':id/appeal')
  @Allow('commenter')
  @HttpCode(201)
  @ApiHeader({ name: 'X-Edit-Token', required: false, description: "A guest's edit token" })
  @ApiCreatedResponse({ description: '{id, status, appeal: "open", version}; the reply enters the appeals queue' })
  async appeal(
    @Param() { id }: ReplyIdParam,
    @Body() dto: AppealDto,
    @CurrentActor() actor: Actor | undefined,
    @Headers('x-edit-token') editToken: string | undefined,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
  ) {
    const result = await this.commands.execute(new AppealReplyCommand(id, { actor, editToken }, dto.note));
    res.setHeader('ETag', etagOf(result.version));
    return result;
  }
}
