import { Actor } from '@app/domain';
import { Allow, CurrentActor } from '@app/platform';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CommenterIdParam } from '../shared/controller-docs';
import { EraseCommenterCommand } from './erase-commenter.command';
import { EraseCommenterDto } from './erase-commenter.dto';

@ApiTags('data rights')
@ApiBearerAuth()
@Controller('admin/commenters')
export class EraseCommenterController {
  constructor(private readonly commands: CommandBus) {}

  /** An erasure for a legal request: recorded with its reason and the admin who acted. */
  @Post(':commenterId/erasure')
  @Allow('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Erasure recorded: {commenterId, erasedAt}' })
  async erase(@Param() { commenterId }: CommenterIdParam, @Body() dto: EraseCommenterDto, @CurrentActor() admin: Actor) {
    return this.commands.execute(new EraseCommenterCommand(commenterId, 'admin', admin, dto.reason));
  }
}
