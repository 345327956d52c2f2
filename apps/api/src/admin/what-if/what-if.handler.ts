import { InvalidCommandError, MAX_BATCH_REPLIES, ModerationBatch, NotReplayed, replayVerdict, RuleViolationError, screenedReply, WhatIfChange } from '@app/domain';
import { LOG_READER, LogReader } from '@app/event-store';
import { checkPolicy, PolicyError } from '@app/moderation';
import { Aggregates, Clock, CLOCK, PolicyInForce } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { repliesInScope } from './replies-in-scope';
import { ResolvedPolicy, WhatIfCommand, WhatIfReport } from './what-if.command';

/** Reply streams loaded at once: enough to hide round trips, few enough to leave the store to others. */
const LOADS_AT_ONCE = 8;

/** What authors are told when an admin applies a what-if without a reason of their own. */
const DEFAULT_REASON = "Checked again against the site's moderation rules.";

/**
 * A what-if (docs/decisions/0033): lists the replies in scope from the log, loads each one's
 * stream, replays its last verdict under the policy asked for, and reports the changes. Applying
 * records one batch of per-reply decisions; the moderation-jobs dispatcher runs it like any batch.
 */
@CommandHandler(WhatIfCommand)
export class WhatIfHandler implements ICommandHandler<WhatIfCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly policies: PolicyInForce,
    @Inject(LOG_READER) private readonly log: LogReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ policy: asked, scope, apply, reason, admin }: WhatIfCommand): Promise<WhatIfReport> {
    const { policy, version } = await this.resolve(asked);
    if (scope.articleId !== null) await this.aggregates.article(scope.articleId);

    const found = await repliesInScope(this.log, scope);
    const outcomes = await inTurns(found.replyIds, LOADS_AT_ONCE, async (replyId) => {
      const { reply, stream } = await this.aggregates.reply(replyId);
      return replayVerdict(screenedReply(reply, stream.events.map((e) => e.event)), policy, version);
    });
    const changes: WhatIfChange[] = [];
    const notReplayed: Partial<Record<NotReplayed, number>> = {};
    for (const o of outcomes) {
      if (o.kind === 'changed') changes.push(o.change);
      else if (o.kind === 'not-replayed') notReplayed[o.why] = (notReplayed[o.why] ?? 0) + 1;
    }

    const batchId = apply ? await this.requestBatch(changes, reason, version, admin) : null;
    return {
      policy: { version, draft: asked.kind === 'draft' },
      scope: { articleId: scope.articleId, from: scope.from?.toISOString() ?? null, to: scope.to?.toISOString() ?? null },
      scanned: found.replyIds.length,
      complete: found.complete,
      lastSequencedAt: found.lastSequencedAt,
      notReplayed,
      changes,
      batchId,
    };
  }

  private async resolve(asked: WhatIfCommand['policy']): Promise<ResolvedPolicy> {
    if (asked.kind === 'version') {
      const at = await this.policies.atVersion(asked.version);
      if (at === null) throw new InvalidCommandError(`there is no policy version ${asked.version}`, 'policyVersion');
      return { policy: at.policy, version: asked.version };
    }
    try {
      // Checked as PUT /admin/policy checks it; a draft has no version of its own.
      return { policy: checkPolicy({ ...asked.rules, version: 0 }), version: null };
    } catch (error) {
      if (error instanceof PolicyError) throw new InvalidCommandError(error.message, `draft.${error.field}`);
      throw error;
    }
  }

  /** One batch of the changes a moderator action can take; a would-be hold has none and stays a report. */
  private async requestBatch(changes: WhatIfChange[], reason: string | null, version: number | null, admin: WhatIfCommand['admin']): Promise<string | null> {
    const decisions = changes.flatMap((c) => (c.action === null ? [] : [{ replyId: c.replyId, action: c.action, seenVersion: c.seenVersion }]));
    if (decisions.length === 0) return null;
    if (decisions.length > MAX_BATCH_REPLIES) throw new RuleViolationError(`${decisions.length} changes would apply; a batch takes at most ${MAX_BATCH_REPLIES}: narrow the article or time range`, 'apply');
    const batchId = randomUUID();
    const why = reason ?? (version === null ? DEFAULT_REASON : `${DEFAULT_REASON.slice(0, -1)} (version ${version}).`);
    const batch = ModerationBatch.request({ batchId, action: 'per-reply', reason: why, selection: { decisions } }, this.clock());
    await this.aggregates.store.append({ streamId: ModerationBatch.streamId(batchId), version: 0, head: null }, batch.pullEvents(), { actor: admin, correlationId: batchId, causationId: null });
    return batchId;
  }
}

/** `work` on every item, at most `atOnce` at a time; results in the items' order. */
async function inTurns<T, R>(items: readonly T[], atOnce: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, lane));
  return results;
}
