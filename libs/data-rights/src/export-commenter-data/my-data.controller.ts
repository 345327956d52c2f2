import { Actor } from '@app/domain';
import { Allow, CurrentActor } from '@app/platform';
import { Controller, Get, Headers, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DataSubjects, EDIT_TOKENS_HEADER } from '../shared/requester';
import { ExportCommenterDataQuery } from './export-commenter-data.query';

@ApiTags('data rights')
@ApiBearerAuth()
@Controller('me')
export class MyDataController {
  constructor(
    private readonly queries: QueryBus,
    private readonly subjects: DataSubjects,
  ) {}

  /**
   * Every reply the signed-in reader wrote, with its versions, statuses and the decisions
   * about it. A guest gets the replies whose edit tokens they send (emails are not verified,
   * so an email alone proves nothing).
   */
  @Get('data')
  @Allow('commenter')
  @ApiHeader({ name: 'X-Edit-Tokens', required: false, description: 'Guests: <replyId>:<editToken> pairs, comma-separated' })
  @ApiOkResponse({ description: '{commenterId, exportedAt, replies: [...]} as a JSON download' })
  async export(
    @CurrentActor() actor: Actor | undefined,
    @Headers(EDIT_TOKENS_HEADER) editTokens: string | undefined,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
  ) {
    const subject = await this.subjects.of(actor, editTokens);
    res.setHeader('Content-Disposition', 'attachment; filename="my-replies.json"');
    res.setHeader('Cache-Control', 'no-store');
    if (subject.kind === 'signed-in') return this.queries.execute(new ExportCommenterDataQuery(subject.commenterIds));
    const ids = [...new Set(subject.replies.map((r) => r.commenterId))];
    return this.queries.execute(new ExportCommenterDataQuery(ids, subject.replies.map((r) => r.replyId)));
  }
}
