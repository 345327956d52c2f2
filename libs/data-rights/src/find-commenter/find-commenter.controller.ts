import { InvalidCommandError, NotFoundError } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { Allow, CommenterDirectory, GuestIdentity, IsOptionalNotNull, IsVisibleText, REPLY_ID } from '@app/platform';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength } from 'class-validator';
import { findReply } from '../shared/streams';

export class FindCommenterQuery {
  /** A signed-in reader's account id at the news site (JWT `sub`). */
  @IsOptionalNotNull() @IsString() @MaxLength(200) @IsVisibleText()
  sub?: string;

  /** A guest's email, as they gave it. */
  @IsOptionalNotNull() @IsString() @MaxLength(254) @IsEmail({}, { message: 'email must be an email address' })
  email?: string;

  /** One of their replies. */
  @IsOptionalNotNull() @Matches(REPLY_ID, { message: 'replyId must be a reply id' })
  replyId?: string;
}

@ApiTags('data rights')
@ApiBearerAuth()
@Controller('admin/commenters')
export class FindCommenterController {
  constructor(
    private readonly commenters: CommenterDirectory,
    private readonly guests: GuestIdentity,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** A legal request names a person; this finds the commenter id the log knows them by. */
  @Get()
  @Allow('admin')
  @ApiOkResponse({ description: '{commenterId}' })
  async find(@Query() q: FindCommenterQuery) {
    const given = [q.sub, q.email, q.replyId].filter((v) => v !== undefined).length;
    if (given !== 1) throw new InvalidCommandError('give exactly one of sub, email or replyId', 'sub');
    let commenterId: string | null = null;
    if (q.sub !== undefined) commenterId = await this.commenters.find({ kind: 'reader', id: q.sub, name: '' });
    if (q.email !== undefined) commenterId = await this.commenters.find(this.guests.actor('', q.email));
    if (q.replyId !== undefined) commenterId = (await findReply(this.store, q.replyId))?.author.id ?? null;
    if (!commenterId) throw new NotFoundError('no commenter is stored for this');
    return { commenterId };
  }
}
