import { Actor } from '@app/domain';
import { statementForAuthor } from '@app/moderation';
import { Allow, ARTICLE_ID, CurrentActor, MONGO_DB } from '@app/platform';
import { ReplyDetail, ViewCollections, ViewNames } from '@app/read-models';
import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import type { mongo } from 'mongoose';
import { CommenterReplyList } from '../shared/commenter-replies';
import { DataSubjects, EDIT_TOKENS_HEADER } from '../shared/requester';

/** Replies listed at most: the ones a reader could still be waiting on. */
export const MY_REPLIES_LIMIT = 50;

export class MyRepliesParams {
  @ApiProperty() @Matches(ARTICLE_ID, { message: 'id must be an article id: lowercase letters, digits and dashes' })
  id: string;
}


@ApiTags('replies')
@ApiBearerAuth()
@Controller('articles')
export class MyRepliesController {
  constructor(
    private readonly subjects: DataSubjects,
    private readonly lists: CommenterReplyList,
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    private readonly names: ViewNames,
  ) {}

  /**
   * The requester's own latest replies on this article with their status, newest first, so the
   * reply section shows them at once, `checking` or held, beside the public thread (where they
   * appear once published). A guest names theirs with X-Edit-Tokens.
   */
  @Get(':id/replies/mine')
  @Allow('commenter')
  @ApiHeader({ name: 'X-Edit-Tokens', required: false, description: 'Guests: <replyId>:<editToken> pairs, comma-separated' })
  @ApiOkResponse({ description: '{items: [{id, parentId, status, hiddenByFlags, body, submittedAt, editedAt, reasons}]}' })
  async mine(
    @Param() { id }: MyRepliesParams,
    @CurrentActor() actor: Actor | undefined,
    @Headers(EDIT_TOKENS_HEADER) editTokens: string | undefined,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
  ) {
    const subject = await this.subjects.of(actor, editTokens);
    res.setHeader('Cache-Control', 'private, no-store');
    const ids =
      subject.kind === 'signed-in'
        ? (await Promise.all(subject.commenterIds.map((c) => this.lists.recentOn(c, id, MY_REPLIES_LIMIT)))).flat()
        : subject.replies.map((r) => r.replyId);
    const details = this.db.collection<ReplyDetail>(this.names.collection(ViewCollections.replyDetails));
    const found = await Promise.all([...new Set(ids)].slice(0, 100).map((replyId) => details.findOne({ _id: replyId })));
    const items = found
      .filter((r): r is ReplyDetail => r !== null && r.articleId === id && r.status !== 'removed')
      .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt))
      .slice(0, MY_REPLIES_LIMIT)
      .map((r) => {
        // Published, but readers' flags hid it until a moderator decides: not in the public thread.
        const hiddenByFlags = r.status === 'published' && r.flags?.hidden === true;
        return {
          id: r._id,
          parentId: r.parentId,
          status: r.status,
          hiddenByFlags,
          body: r.status === 'retracted' ? '' : r.body,
          submittedAt: r.submittedAt,
          editedAt: r.editedAt,
          reasons: (r.status === 'published' && !hiddenByFlags) || r.status === 'retracted' ? [] : statementForAuthor(r.status, r.verdict?.reasons ?? [], hiddenByFlags),
        };
      });
    return { items };
  }
}
