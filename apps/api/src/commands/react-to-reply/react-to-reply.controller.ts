import { Actor, REACTION_TYPES, ReactionType } from '@app/domain';
import { Allow, CurrentActor, ProblemException, RateLimited } from '@app/platform';
import { Body, Controller, Delete, HttpCode, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiCreatedResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, Matches } from 'class-validator';
import { REPLY_ID } from '../../shared/ids';
import { ReactToReplyCommand } from './react-to-reply.command';

export class ReactionParams {
  @ApiProperty({ example: '5f1c0c7e9a2b4d6e8f0a1b2c' })
  @Matches(REPLY_ID, { message: 'id must be a reply id: 24 hexadecimal characters' })
  id: string;

  @ApiProperty({ enum: REACTION_TYPES })
  @IsIn(REACTION_TYPES, { message: `type must be one of ${REACTION_TYPES.join(', ')}` })
  type: ReactionType;
}

/** These requests carry everything in the path: a body with anything in it is refused, not ignored. */
function noBody(body: unknown): void {
  if (body === undefined || body === null) return;
  if (typeof body === 'object' && !Array.isArray(body)) {
    const fields = Object.keys(body);
    if (fields.length === 0) return;
    throw new ProblemException(400, `invalid input: ${fields.join(', ')}`, fields.map((field) => ({ field, message: `${field} should not exist: this request takes no body` })));
  }
  throw new ProblemException(400, 'this request takes no body');
}

@ApiTags('replies')
@ApiBearerAuth()
@Controller('replies')
export class ReactToReplyController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * React to a published reply of someone else's (signed-in readers; moderators and admins
   * react as readers). One of each type per reader; reacting again answers 200 and records nothing.
   */
  @Put(':id/reactions/:type')
  @Allow('reader')
  @RateLimited('react')
  @ApiCreatedResponse({ description: 'Recorded: {replyId, type, reacted: true}' })
  @ApiOkResponse({ description: 'You had reacted so already: nothing recorded' })
  async react(@Param() { id, type }: ReactionParams, @Body() body: unknown, @CurrentActor() reader: Actor, @Res({ passthrough: true }) res: { status(code: number): unknown }) {
    noBody(body);
    const { recorded } = await this.commands.execute(new ReactToReplyCommand(id, reader, type, true));
    res.status(recorded ? 201 : 200);
    return { replyId: id, type, reacted: true };
  }

  /** Take a reaction back; 204 whether or not there was one (then nothing is recorded). */
  @Delete(':id/reactions/:type')
  @Allow('reader')
  @RateLimited('react')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The reaction is gone (or was never there)' })
  async unreact(@Param() { id, type }: ReactionParams, @Body() body: unknown, @CurrentActor() reader: Actor): Promise<void> {
    noBody(body);
    await this.commands.execute(new ReactToReplyCommand(id, reader, type, false));
  }
}
