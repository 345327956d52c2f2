import { Actor, InvalidCommandError } from '@app/domain';
import { Allow, CurrentActor, GuestIdentity } from '@app/platform';
import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ArticleIdParam } from '../../shared/id-params';
import { SubmitReplyCommand } from './submit-reply.command';
import { SubmitReplyDto } from './submit-reply.dto';

@ApiTags('replies')
@ApiBearerAuth()
@Controller('articles')
export class SubmitReplyController {
  constructor(
    private readonly commands: CommandBus,
    private readonly guests: GuestIdentity,
  ) {}

  @Post(':id/replies')
  @Allow('commenter')
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first answer' })
  @ApiAcceptedResponse({ description: '{id, status} and, for a guest, an editToken; Location names the reply' })
  async submit(
    @Param() { id: articleId }: ArticleIdParam,
    @Body() dto: SubmitReplyDto,
    @CurrentActor() signedIn: Actor | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: { location(url: string): void },
  ) {
    if (signedIn && dto.author) throw new InvalidCommandError('author is for guests; a signed-in reader is known by the token', 'author');
    if (!signedIn && !dto.author) throw new InvalidCommandError('sign in, or give author {name, email} as a guest', 'author');
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw new InvalidCommandError('Idempotency-Key must be 1 to 200 visible ASCII characters', 'Idempotency-Key');
    }
    const author = signedIn ?? this.guests.actor(dto.author!.name, dto.author!.email);
    const result = await this.commands.execute(new SubmitReplyCommand(articleId, dto.body, dto.parentId, author, idempotencyKey));
    res.location(`/replies/${result.replyId}`);
    return { id: result.replyId, status: result.status, ...(result.editToken ? { editToken: result.editToken } : {}) };
  }
}
