import { DomainEvent } from '../shared/domain-event';

export const FLAG_REASONS = ['spam', 'abuse', 'off-topic', 'other'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

/**
 * What of the policy in force a flag carries, so a rebuild counts it as it was counted then:
 * its version (null: a flag from before the policy stream), how many flags report a reply,
 * and whether they also hide a published one.
 */
export interface FlagPolicy {
  version: number | null;
  flagThreshold: number;
  hideAtThreshold: boolean;
}

/** A reader flagged a reply. Their own stream per reply (`flag-<replyId>-<commenterId>`): one flag each. */
export type ReplyFlagged = DomainEvent<
  'reply.flagged',
  {
    replyId: string;
    articleId: string;
    commenterId: string;
    reason: FlagReason;
    note: string | null;
    flaggedAt: string;
    /**
     * The policy in force when it was flagged: the flags that put the reply in the reported
     * queue. Schema 2; schema 1 had it optional and without hideAtThreshold (flag.upcasters.ts).
     */
    policy: FlagPolicy;
  }
>;

export type FlagEvent = ReplyFlagged;

/** The note is typed by the reader who flags: sealed with their key like any text of theirs. */
export const FLAG_PERSONAL_FIELDS = {
  'reply.flagged': ['note'],
} as const;
