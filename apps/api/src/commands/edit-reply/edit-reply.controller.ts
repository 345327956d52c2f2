import { Actor } from '@app/domain';
import { Allow, CurrentActor } from '@app/platform';
import { Body, Controller, Headers, Param, Patch, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ReplyIdParam } from '../../shared/id-params';
import { etagOf } from '../../shared/request-context';
import { EditReplyCommand } from './edit-reply.command';
import { EditReplyDto } from './edit-reply.dto';

@ApiTags('replies')
@ApiBearerAuth()
@Controller('replies')
export class EditReplyController {
  constructor(private readonly commands: CommandBus) {}

  @Patch(':id')
  @Allow('commenter')
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag of the reply as read; stale answers 412' })
  @ApiHeader({ name: 'X-Edit-Token', required: false, description: "A guest's edit token" })
  async edit(
    @Param() { id }: ReplyIdParam,
    @Body() dto: EditReplyDto,
    @CurrentActor() actor: Actor | undefined,
    @Headers('x-edit-token') editToken: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
  ) {
    const { version } = await this.commands.execute(new EditReplyCommand(id, dto.body, { actor, editToken }, ifMatch));
    res.setHeader('ETag', etagOf(version));
    return { id, version };
  }
}
