import { Actor, InvalidCommandError } from '@app/domain';
import { Allow, CurrentActor, GuestIdentity, RateLimited } from '@app/platform';
import { Body, Controller, Headers, HttpCode, Ip, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ArticleIdParam } from '../../shared/id-params';
import { IDEMPOTENCY_KEY } from './idempotency-key';
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
  @RateLimited('submit')
  @HttpCode(202)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'A fresh random key per reply (1 to 200 visible ASCII characters). A retry with the same key and the same request returns the first answer; ' +
      'the same key with another body, parent or author answers 422. A guest\'s editToken comes back on a retry only when the key has 128 random bits: ' +
      'a UUID, or at least 22 base64url (or 32 hex) characters; with a weaker key the retry answers the id and status without it.',
  })
  @ApiAcceptedResponse({ description: '{id, status} and, for a guest, an editToken; Location names the reply' })
  async submit(
    @Param() { id: articleId }: ArticleIdParam,
    @Body() dto: SubmitReplyDto,
    @CurrentActor() signedIn: Actor | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    // From X-Forwarded-For only when TRUST_PROXY says so (Express `trust proxy`).
    @Ip() address: string | undefined,
    @Headers('user-agent') userAgent: string | undefined,
    @Res({ passthrough: true }) res: { location(url: string): void },
  ) {
    if (signedIn && dto.author) throw new InvalidCommandError('author is for guests; a signed-in reader is known by the token', 'author');
    if (!signedIn && !dto.author) throw new InvalidCommandError('sign in, or give author {name, email} as a guest', 'author');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new InvalidCommandError('Idempotency-Key must be 1 to 200 visible ASCII characters', 'Idempotency-Key');
    }
    const author = signedIn ?? this.guests.actor(dto.author!.name, dto.author!.email);
    const honeypot = (dto.website ?? '').trim().length > 0;
    const result = await this.commands.execute(new SubmitReplyCommand(articleId, dto.body, dto.parentId, author, idempotencyKey, honeypot, { address, userAgent }));
    res.location(`/replies/${result.replyId}`);
    return { id: result.replyId, status: result.status, ...(result.editToken ? { editToken: result.editToken } : {}) };
  }
}
