import { Actor, ForbiddenError, NotFoundError } from '@app/domain';
import { Allow, CurrentActor } from '@app/platform';
import { Controller, Delete, Headers, HttpCode } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CommenterReplyList } from '../shared/commenter-replies';
import { DataSubjects, EDIT_TOKENS_HEADER } from '../shared/requester';
import { EraseCommenterCommand } from './erase-commenter.command';

@ApiTags('data rights')
@ApiBearerAuth()
@Controller('me')
export class EraseMeController {
  constructor(
    private readonly commands: CommandBus,
    private readonly subjects: DataSubjects,
    private readonly lists: CommenterReplyList,
  ) {}

  /**
   * Erases the commenter: their key is destroyed, so nothing they typed can be read again;
   * their replies then show as removed while replies to them stay. Signing in again, or
   * writing as a guest, later makes a new commenter.
   */
  @Delete()
  @Allow('commenter')
  @HttpCode(202)
  @ApiHeader({ name: 'X-Edit-Tokens', required: false, description: 'Guests: the <replyId>:<editToken> pairs of every reply written under their email, comma-separated' })
  @ApiAcceptedResponse({ description: 'Erasure recorded: {erased: [{commenterId, erasedAt}]}; views show it within moments' })
  async erase(@CurrentActor() actor: Actor | undefined, @Headers(EDIT_TOKENS_HEADER) editTokens: string | undefined) {
    const subject = await this.subjects.of(actor, editTokens);
    const ids = subject.kind === 'signed-in' ? subject.commenterIds : await this.provenGuests(subject.replies);
    if (ids.length === 0) throw new NotFoundError('nothing of yours is stored: there is no commenter to erase');
    const erased = [];
    for (const commenterId of ids) {
      const self: Actor = { kind: actor?.kind ?? 'guest', id: commenterId, name: '' };
      erased.push(await this.commands.execute(new EraseCommenterCommand(commenterId, 'commenter', self)));
    }
    return { erased };
  }

  /**
   * Nobody verifies a guest's email, so anyone can write one reply under someone else's and
   * hold its token. Erasing a guest commenter therefore takes the tokens of every reply it
   * has; short of that, an admin erases on a request they verified.
   */
  private async provenGuests(replies: { replyId: string; commenterId: string }[]): Promise<string[]> {
    const proven = new Set(replies.map((r) => r.replyId));
    const ids = [...new Set(replies.map((r) => r.commenterId))];
    for (const id of ids) {
      const missing = (await this.lists.of(id)).filter((replyId) => !proven.has(replyId));
      if (missing.length > 0) {
        throw new ForbiddenError(
          `a guest is erased with the edit tokens of every reply written under their email: ${missing.length} more needed (or ask the site, whose admin can erase on a verified request)`,
        );
      }
    }
    return ids;
  }
}
