import { Actor } from '@app/domain';
import { Allow, CurrentActor } from '@app/platform';
import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { RetryDeadLetterCommand } from './retry-dead-letter.command';

export class DeadLetterIdParam {
  @ApiProperty({ example: 'thread@1.42', description: 'consumer@version.position' })
  @Matches(/^[a-z][a-z0-9-]{0,60}@\d{1,6}\.\d{1,15}$/, { message: 'id must be a dead letter id such as thread@1.42' })
  id: string;
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/dead-letters')
export class RetryDeadLetterController {
  constructor(private readonly commands: CommandBus) {}

  /** The consumer replays the parked article from the failing event on its next run. */
  @Post(':id/retry')
  @Allow('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Retry requested; GET /admin/dead-letters shows the outcome' })
  async retry(@Param() { id }: DeadLetterIdParam, @CurrentActor() actor: Actor) {
    const { attempts } = await this.commands.execute(new RetryDeadLetterCommand(id, actor));
    return { id, status: 'retry-requested', attempts };
  }
}
