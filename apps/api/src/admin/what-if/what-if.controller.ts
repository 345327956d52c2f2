import { Actor } from '@app/domain';
import { Allow, CurrentActor, ProblemException } from '@app/platform';
import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { WhatIfCommand } from './what-if.command';
import { WhatIfDto } from './what-if.dto';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/what-if')
export class WhatIfController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Replays the verdicts on an article's replies, or on those submitted in a time range, under a
   * past policy version or a draft, and reports each decision that would change and why. A dry
   * run unless `apply`: then the changes a moderator action can take become one undoable batch.
   */
  @Post()
  @Allow('admin')
  @HttpCode(200)
  @ApiOkResponse({ description: '{policy, scope, scanned, complete, lastSequencedAt, notReplayed, changes: [{replyId, articleId, status, statusAfter, action, verdictThen, verdictNow, why, rulesChanged}], batchId}; with a batch, Location: /moderation/batches/:id' })
  async whatIf(@Body() dto: WhatIfDto, @CurrentActor() admin: Actor, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    const bad = (field: string, message: string) => new ProblemException(400, `invalid input: ${field}`, [{ field, message }]);
    if ((dto.policyVersion === undefined) === (dto.draft === undefined)) throw bad('policyVersion', 'give exactly one of policyVersion and draft');
    if (dto.draft?.reason !== undefined) throw bad('draft.reason', 'a draft takes no reason; give reason beside it, for apply');
    if (dto.articleId === undefined && dto.from === undefined) throw bad('articleId', 'give an articleId, a time range from (and to), or both');
    const from = dto.from === undefined ? null : new Date(dto.from);
    const to = dto.to === undefined ? null : new Date(dto.to);
    if (from && to && from.getTime() > to.getTime()) throw bad('to', 'to must not be before from');
    if (dto.reason !== undefined && dto.apply !== true) throw bad('reason', 'a reason is for applying: it is shown to the authors');
    const policy = dto.policyVersion !== undefined ? ({ kind: 'version', version: dto.policyVersion } as const) : ({ kind: 'draft', rules: JSON.parse(JSON.stringify(dto.draft)) } as const);
    const report = await this.commands.execute(new WhatIfCommand(policy, { articleId: dto.articleId ?? null, from, to }, dto.apply === true, dto.reason?.trim() || null, admin));
    res.setHeader('Cache-Control', 'no-store');
    if (report.batchId) res.setHeader('Location', `/moderation/batches/${report.batchId}`);
    return report;
  }
}
