import { Commenter, CommenterEvent, NotFoundError, ReplyStatus } from '@app/domain';
import { CommenterReplyList } from '@app/data-rights';
import { Aggregates, Clock, CLOCK, CommenterDirectory } from '@app/platform';
import { ViewReader } from '@app/read-models';
import { Inject, Injectable } from '@nestjs/common';

/** Latest decisions about the commenter shown; `decisions` counts them all. */
export const PROFILE_HISTORY = 100;
/** Latest replies shown and counted by status; `replies.total` counts them all. */
export const PROFILE_REPLIES = 100;

/**
 * A commenter for moderators, from their stream (standing and its history, always current) and
 * the views (their latest replies). Holds no personal data beyond what the reply views show.
 */
@Injectable()
export class CommenterProfiles {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly commenters: CommenterDirectory,
    private readonly replyList: CommenterReplyList,
    private readonly views: ViewReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async of(commenterId: string) {
    // The whole stream, not from a snapshot: the history goes back to the first decision.
    const stream = await this.aggregates.store.load<CommenterEvent>(Commenter.streamId(commenterId));
    if (stream.version === 0 && !(await this.commenters.exists(commenterId))) throw new NotFoundError(`commenter ${commenterId} not found`);
    const commenter = Commenter.of(commenterId).rehydrate(stream.events.map((e) => e.event));
    const decisions = stream.events.flatMap(({ event, metadata }) =>
      event.type === 'commenter.standing-changed'
        ? [{ standing: event.data.standing, previousStanding: event.data.previousStanding, until: event.data.until, reason: event.data.reason, batchId: event.data.rejectAllBatchId, by: { kind: metadata.actor.kind, id: metadata.actor.id }, at: event.data.changedAt }]
        : [],
    );
    const { total, replies } = await this.replyList.latest(commenterId, PROFILE_REPLIES);
    const details = await Promise.all(replies.map((r) => this.views.reply(r.replyId)));
    const counts: Partial<Record<ReplyStatus, number>> = {};
    const latest = details.flatMap((d) => {
      if (!d) return [];
      counts[d.status] = (counts[d.status] ?? 0) + 1;
      return [{ replyId: d._id, articleId: d.articleId, status: d.status, excerpt: d.body.slice(0, 200), submittedAt: d.submittedAt, decision: d.decision, verdict: d.verdict ? { decision: d.verdict.decision, score: d.verdict.score } : null }];
    });
    const history = decisions.slice(-PROFILE_HISTORY);
    return {
      commenterId,
      erased: commenter.erased,
      standing: commenter.standingAt(this.clock()),
      suspendedUntil: commenter.standingAt(this.clock()) === 'suspended' ? commenter.suspendedUntil!.toISOString() : null,
      history,
      decisions: decisions.length,
      replies: { total, counted: latest.length, counts, latest },
    };
  }
}
