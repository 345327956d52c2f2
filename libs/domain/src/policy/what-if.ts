import { replayInput, replayModel, screen, SCORING_RULES, type ModerationPolicy } from '@app/moderation';
import { statusAfterVerdict, type Reply } from '../reply/reply';
import type { ModeratorAction, ReplyEvent, ReplyScreened, ReplyStatus, VerdictDecision, VerdictReason } from '../reply/reply.events';

/**
 * What-if (docs/decisions/0033): a reply's last verdict scored again under another policy (a
 * past version or a draft), from the features the verdict recorded, and what that would change.
 * Pure: no store, no Redis; the caller loads the reply and the policy.
 */

/** A reply as a what-if needs it: where it stands, and the verdict that put it there. */
export interface ScreenedReply {
  replyId: string;
  articleId: string;
  status: ReplyStatus;
  /** A moderator decided on it, one by one or in bulk: no verdict overrides that, so no replay does. */
  moderated: boolean;
  /** Its latest text waits for a verdict: screening will score it under the policy in force anyway. */
  awaitingVerdict: boolean;
  /** The last verdict, on its current text; null when it never had one (from before screening, or still checking). */
  verdict: ReplyScreened['data'] | null;
  /** The text and name that verdict scored. */
  body: string;
  authorName: string;
  /** Stream version of the last change to its status or text: applying acts only while it is still this. */
  changedVersion: number;
}

/** Why a reply was not replayed. */
/** The reason screening gives a reply whose author was banned by the time it was checked. */
export const BANNED_REASON = 'commenter-banned';

export type NotReplayed = 'moderator-decided' | 'no-verdict' | 'awaiting-verdict' | 'screening-failed' | 'commenter-banned' | 'retracted' | 'removed';

export interface VerdictSummary {
  decision: VerdictDecision;
  score: number;
  reasons: VerdictReason[];
  /** Null for a draft policy, which has no version. */
  policyVersion: number | null;
}

export interface WhatIfChange {
  replyId: string;
  articleId: string;
  /** Where it stands now. */
  status: ReplyStatus;
  /** Where the replayed verdict would have taken it. */
  statusAfter: ReplyStatus;
  /** The moderator action that applying takes: null when the status stays, or would only be held (no action holds a reply). */
  action: ModeratorAction | null;
  seenVersion: number;
  verdictThen: VerdictSummary & { modelVersion: number | null };
  verdictNow: VerdictSummary;
  /** The reasons that differ: said now and not then, said then and not now. */
  why: { added: VerdictReason[]; dropped: VerdictReason[] };
  /** The verdict was scored by other scoring rules than today's (`SCORING_RULES`): part of the difference may be the code's, not the policy's. */
  rulesChanged: boolean;
}

export type WhatIfOutcome = { kind: 'same' } | { kind: 'not-replayed'; why: NotReplayed } | { kind: 'changed'; change: WhatIfChange };

const ACTION_TO: Partial<Record<ReplyStatus, ModeratorAction>> = { published: 'approve', rejected: 'reject', spam: 'spam' };

/**
 * Scores the reply's last verdict again under `policy` and compares decisions. A change is a
 * different decision; it says where the reply would stand and which action applying takes.
 */
export function replayVerdict(reply: ScreenedReply, policy: ModerationPolicy, policyVersion: number | null): WhatIfOutcome {
  if (reply.status === 'retracted' || reply.status === 'removed') return { kind: 'not-replayed', why: reply.status };
  if (reply.moderated) return { kind: 'not-replayed', why: 'moderator-decided' };
  if (reply.awaitingVerdict) return { kind: 'not-replayed', why: 'awaiting-verdict' };
  const then = reply.verdict;
  if (then === null) return { kind: 'not-replayed', why: 'no-verdict' };
  // Screening gave up and held it for a human: there is nothing scored to replay.
  if (then.reasons.some((r) => r.code === 'screening-failed')) return { kind: 'not-replayed', why: 'screening-failed' };
  // Refused because its author was banned, not for what it says: no policy changes that.
  if (then.reasons.some((r) => r.code === BANNED_REASON)) return { kind: 'not-replayed', why: 'commenter-banned' };

  const now = screen(replayInput(reply.body, reply.authorName, then.features), policy, replayModel(then.features, then.modelVersion));
  if (now.decision === then.decision) return { kind: 'same' };

  const statusAfter = statusAfterVerdict(then.previousStatus, now.decision);
  const key = (r: VerdictReason) => `${r.code}\u0000${r.detail}`;
  const thenKeys = new Set(then.reasons.map(key));
  const nowKeys = new Set(now.reasons.map(key));
  return {
    kind: 'changed',
    change: {
      replyId: reply.replyId,
      articleId: reply.articleId,
      status: reply.status,
      statusAfter,
      action: statusAfter === reply.status ? null : (ACTION_TO[statusAfter] ?? null),
      seenVersion: reply.changedVersion,
      verdictThen: { decision: then.decision, score: then.score, reasons: then.reasons, policyVersion: then.policyVersion, modelVersion: then.modelVersion },
      verdictNow: { decision: now.decision, score: now.score, reasons: now.reasons, policyVersion },
      why: { added: now.reasons.filter((r) => !thenKeys.has(key(r))), dropped: then.reasons.filter((r) => !nowKeys.has(key(r))) },
      rulesChanged: then.features.rules !== SCORING_RULES,
    },
  };
}

/** The reply as loaded from its whole stream (events decrypted by the store), for `replayVerdict`. */
export function screenedReply(reply: Reply, events: readonly ReplyEvent[]): ScreenedReply {
  let verdict: ReplyScreened['data'] | null = null;
  for (const e of events) if (e.type === 'reply.screened' && e.data.scoredVersion === reply.verdictVersion) verdict = e.data;
  return {
    replyId: reply.id,
    articleId: reply.articleId,
    status: reply.status,
    moderated: reply.moderatedVersion > 0,
    awaitingVerdict: reply.textAwaitingVerdict,
    verdict,
    body: reply.body,
    authorName: reply.author.name,
    changedVersion: reply.changedVersion,
  };
}
