import { Actor, DomainEvent } from '../shared/domain-event';

/**
 * Where a reply stands. Moderation verdicts (later) add `rejected` and `spam`; `removed`
 * means its author's personal data was erased.
 */
export type ReplyStatus = 'pending' | 'published' | 'retracted' | 'removed';

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
    /** Decided by the article's moderation mode at submission. */
    status: 'pending' | 'published';
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

export type ReplyEvent = ReplySubmitted | ReplyEdited | ReplyRetracted | ReplyErased;

/**
 * Fields typed by the person who caused the event (its actor): the event store keeps them
 * encrypted with that person's key, so erasing the person makes them unreadable.
 */
export const REPLY_PERSONAL_FIELDS = {
  'reply.submitted': ['body', 'author.name'],
  'reply.edited': ['body', 'previousBody'],
} as const;

export function authorOf(actor: Actor): ReplyAuthor {
  if (actor.kind === 'system') throw new Error('the system does not write replies');
  return { kind: actor.kind, id: actor.id, name: actor.name };
}
