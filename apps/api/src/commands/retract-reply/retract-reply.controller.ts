import { Actor } from '@app/domain';
import { Allow, CurrentActor } from '@app/platform';
import { Controller, Delete, Headers, Param, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ReplyIdParam } from '../../shared/id-params';
import { etagOf } from '../../shared/request-context';
import { RetractReplyCommand } from './retract-reply.command';

@ApiTags('replies')
@ApiBearerAuth()
@Controller('replies')
export class RetractReplyController {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':id')
  @Allow('commenter')
  @ApiHeader({ name: 'X-Edit-Token', required: false, description: "A guest's edit token" })
  async retract(
    @Param() { id }: ReplyIdParam,
    @CurrentActor() actor: Actor | undefined,
    @Headers('x-edit-token') editToken: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
  ) {
    const { version } = await this.commands.execute(new RetractReplyCommand(id, { actor, editToken }, ifMatch));
    res.setHeader('ETag', etagOf(version));
    return { id, status: 'retracted', version };
  }
}
