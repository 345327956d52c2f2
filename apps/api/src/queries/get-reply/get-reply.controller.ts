import { statementForAuthor } from '@app/moderation';
import { Actor, noReactions } from '@app/domain';
import { Allow, CommenterDirectory, CurrentActor, GuestIdentity, rankOf, ROLE_RANK } from '@app/platform';
import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { ReplyIdParam } from '../../shared/id-params';
import { etagOf } from '../../shared/request-context';
import { GetReplyQuery } from './get-reply.query';


@ApiTags('replies')
@Controller('replies')
export class GetReplyController {
  constructor(
    private readonly queries: QueryBus,
    private readonly guests: GuestIdentity,
    private readonly commenters: CommenterDirectory,
  ) {}

  /**
   * Anyone sees a published reply. The text of a held or retracted one is for its author and
   * for moderators and admins; the edit history for moderators and admins.
   */
  @Get(':id')
  @Allow('anyone')
  @ApiHeader({ name: 'X-Edit-Token', required: false, description: "A guest's edit token, to see their own held reply" })
  async get(
    @Param() { id }: ReplyIdParam,
    @CurrentActor() actor: Actor | undefined,
    @Headers('x-edit-token') editToken: string | undefined,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
  ) {
    const r = await this.queries.execute(new GetReplyQuery(id));
    const staff = actor !== undefined && rankOf(actor.kind) >= ROLE_RANK.moderator;
    const me = actor !== undefined && r.author.kind !== 'guest' ? await this.commenters.find(actor) : null;
    const author =
      (me !== null && me === r.author.id) ||
      (editToken !== undefined && this.guests.verifyEditToken(r._id, editToken));
    // Readers see the text last published; its author and staff see the latest, and why it stands where it does.
    const insider = staff || (author && r.status !== 'retracted');
    // Published, but readers' flags hid it until a moderator decides: its author and staff are told.
    const hiddenByFlags = r.status === 'published' && r.flags?.hidden === true;
    res.setHeader('ETag', etagOf(r.version));
    return {
      id: r._id,
      articleId: r.articleId,
      parentId: r.parentId,
      depth: r.depth,
      author: { name: r.author.name },
      body: insider ? r.body : (r.publicBody ?? (r.status === 'published' ? r.body : '')),
      status: r.status,
      featured: r.featured ?? false,
      submittedAt: r.submittedAt,
      editedAt: r.editedAt,
      version: r.version,
      reactions: { ...noReactions(), ...r.reactions },
      ...(insider ? { hiddenByFlags, reasons: staff ? (r.verdict?.reasons ?? []) : statementForAuthor(r.status, r.verdict?.reasons ?? [], hiddenByFlags), decision: r.decision ? { action: r.decision.action, reason: r.decision.reason, ...(staff ? { batchId: r.decision.batchId, at: r.decision.at } : {}) } : null, appeal: r.appeal ?? null } : {}),
      ...(staff ? { commenterId: r.author.id, verdict: r.verdict, history: r.history, flags: r.flags?.flags ?? 0 } : {}),
    };
  }
}
