import { Actor } from '@app/domain';
import { Allow, CurrentActor, ROLE_RANK } from '@app/platform';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { ReplyIdParam } from '../../shared/id-params';
import { etagOf } from '../../shared/request-context';
import { GetReplyQuery } from './get-reply.query';

@ApiTags('replies')
@Controller('replies')
export class GetReplyController {
  constructor(private readonly queries: QueryBus) {}

  /** Anyone sees a reply; retracted text and the edit history are for moderators and admins. */
  @Get(':id')
  @Allow('anyone')
  async get(@Param() { id }: ReplyIdParam, @CurrentActor() actor: Actor | undefined, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    const r = await this.queries.execute(new GetReplyQuery(id));
    const staff = actor !== undefined && (ROLE_RANK as Record<string, number>)[actor.kind] >= ROLE_RANK.moderator;
    res.setHeader('ETag', etagOf(r.version));
    return {
      id: r._id,
      articleId: r.articleId,
      parentId: r.parentId,
      depth: r.depth,
      author: { name: r.author.name },
      body: r.status === 'retracted' && !staff ? '' : r.body,
      status: r.status,
      submittedAt: r.submittedAt,
      editedAt: r.editedAt,
      version: r.version,
      ...(staff ? { history: r.history } : {}),
    };
  }
}
