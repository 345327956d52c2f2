import { Actor, NotFoundError } from '@app/domain';
import { Allow, CurrentActor } from '@app/platform';
import { Controller, Delete, Headers, HttpCode } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { DataSubjects, EDIT_TOKENS_HEADER } from '../shared/requester';
import { EraseCommenterCommand } from './erase-commenter.command';

@ApiTags('data rights')
@ApiBearerAuth()
@Controller('me')
export class EraseMeController {
  constructor(
    private readonly commands: CommandBus,
    private readonly subjects: DataSubjects,
  ) {}

  /**
   * Erases the commenter: their key is destroyed, so nothing they typed can be read again;
   * their replies then show as removed while replies to them stay. Signing in again, or
   * writing as a guest, later makes a new commenter.
   */
  @Delete()
  @Allow('commenter')
  @HttpCode(202)
  @ApiHeader({ name: 'X-Edit-Tokens', required: false, description: 'Guests: <replyId>:<editToken> pairs, comma-separated; erases the guest commenter behind them' })
  @ApiAcceptedResponse({ description: 'Erasure recorded: {erased: [{commenterId, erasedAt}]}; views show it within moments' })
  async erase(@CurrentActor() actor: Actor | undefined, @Headers(EDIT_TOKENS_HEADER) editTokens: string | undefined) {
    const subject = await this.subjects.of(actor, editTokens);
    const ids = subject.kind === 'signed-in' ? (subject.commenterId ? [subject.commenterId] : []) : [...new Set(subject.replies.map((r) => r.commenterId))];
    if (ids.length === 0) throw new NotFoundError('nothing of yours is stored: there is no commenter to erase');
    const erased = [];
    for (const commenterId of ids) {
      const self: Actor = { kind: actor?.kind ?? 'guest', id: commenterId, name: '' };
      erased.push(await this.commands.execute(new EraseCommenterCommand(commenterId, 'commenter', self)));
    }
    return { erased };
  }
}
