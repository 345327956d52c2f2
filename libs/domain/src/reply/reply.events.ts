import { Actor, DomainEvent } from '../shared/domain-event';

/** Where a reply stands: docs/moderation-states.md is the state machine. */
export type ReplyStatus = 'checking' | 'pending' | 'published' | 'rejected' | 'spam' | 'retracted' | 'removed';

export const REPLY_STATUSES: readonly ReplyStatus[] = ['checking', 'pending', 'published', 'rejected', 'spam', 'retracted', 'removed'];

/** What views show instead of the name of a commenter whose data was erased. */
export const ERASED_AUTHOR_NAME = '[removed]';

export interface ReplyAuthor {
  kind: 'reader' | 'guest' | 'moderator' | 'admin';
  /** The commenter id: random, one per person until they are erased (never their `sub` or email hash). */
  id: string;
  name: string;
}

export type ReplySubmitted = DomainEvent<
  'reply.submitted',
  {
    replyId: string;
    articleId: string;
    parentId: string | null;
    /** The top-level reply of this thread branch (itself when top-level). */
    rootId: string;
    /** 1 for a top-level reply. */
    depth: number;
    author: ReplyAuthor;
    body: string;
    submittedAt: string;
    /** The form's hidden field was filled (a bot): held quietly. Absent when empty. */
    honeypot?: true;
    /**
     * `checking` until its first verdict, `pending` on a pre-moderated article. (Stores from
     * before screening hold `published` here: those replies were public at once.)
     */
    status: 'checking' | 'pending' | 'published';
  }
>;

export type ReplyEdited = DomainEvent<
  'reply.edited',
  { replyId: string; articleId: string; body: string; previousBody: string; editedAt: string }
>;

export type ReplyRetracted = DomainEvent<
  'reply.retracted',
  { replyId: string; articleId: string; retractedAt: string; previousStatus: ReplyStatus }
>;

/** The author was erased: the reply stays in the thread as removed, its text and name unreadable. */
export type ReplyErased = DomainEvent<
  'reply.erased',
  { replyId: string; articleId: string; commenterId: string; erasedAt: string; previousStatus: ReplyStatus }
>;

/** What screening decided about one version of a reply. */
export type VerdictDecision = 'publish' | 'hold' | 'reject' | 'spam';

/** One line of the statement of reasons: a stable code, and words for the author. */
export interface VerdictReason {
  code: string;
  detail: string;
}

/** A screening verdict for the version it scored, with everything needed to reproduce it. */
export type ReplyScreened = DomainEvent<
  'reply.screened',
  {
    replyId: string;
    articleId: string;
    /** The stream version whose text was scored. */
    scoredVersion: number;
    decision: VerdictDecision;
    score: number;
    reasons: VerdictReason[];
    /** Every feature and count the score used (null: not available, e.g. Redis down). */
    features: Record<string, number | boolean | string | null>;
    policyVersion: number;
    modelVersion: number | null;
    status: ReplyStatus;
    previousStatus: ReplyStatus;
    screenedAt: string;
  }
>;

export type ModeratorAction = 'approve' | 'reject' | 'spam';

/**
 * `restore` is a batch's undo putting a reply back where the batch found it; the others are a
 * moderator's decisions, one by one or in bulk.
 */
export type ModeratedAction = ModeratorAction | 'restore';

/** A moderator's decision, with the reason the author is shown. */
export type ReplyModerated = DomainEvent<
  'reply.moderated',
  {
    replyId: string;
    articleId: string;
    action: ModeratedAction;
    reason: string | null;
    status: ReplyStatus;
    previousStatus: ReplyStatus;
    decidedAt: string;
    /** Set when the decision is one of a bulk action's, so the batch can be undone; on `restore`, the batch undone. */
    batchId: string | null;
    /** The decision answers the author's appeal: final, the author may not appeal again. Absent: false. */
    settlesAppeal?: boolean;
  }
>;

/**
 * Whether a decision answers readers' flags so far (they count afresh from it): a moderator's
 * own decision, or a bulk approval; not a bulk refusal nobody read the reports for, nor the
 * undo that puts a reply back as the flags had left it.
 */
export function answersFlags(data: ReplyModerated['data']): boolean {
  if (data.action === 'restore') return false;
  return data.batchId === null || data.action === 'approve';
}

/** The author asks a moderator to look again at a held, rejected or spam reply: once, with a note. */
export type ReplyAppealed = DomainEvent<
  'reply.appealed',
  { replyId: string; articleId: string; commenterId: string; note: string; status: ReplyStatus; appealedAt: string }
>;

export type ReplyFeatured = DomainEvent<'reply.featured', { replyId: string; articleId: string; featuredAt: string }>;
export type ReplyUnfeatured = DomainEvent<'reply.unfeatured', { replyId: string; articleId: string; unfeaturedAt: string }>;

export type ReplyEvent = ReplySubmitted | ReplyEdited | ReplyRetracted | ReplyErased | ReplyScreened | ReplyModerated | ReplyFeatured | ReplyUnfeatured | ReplyAppealed;

/**
 * Fields typed by the person who caused the event (its actor): the event store keeps them
 * encrypted with that person's key, so erasing the person makes them unreadable.
 */
export const REPLY_PERSONAL_FIELDS = {
  'reply.submitted': ['body', 'author.name'],
  'reply.edited': ['body', 'previousBody'],
  'reply.appealed': ['note'],
} as const;

export function authorOf(actor: Actor): ReplyAuthor {
  if (actor.kind === 'system') throw new Error('the system does not write replies');
  return { kind: actor.kind, id: actor.id, name: actor.name };
}
