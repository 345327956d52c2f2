import { Actor, DomainEvent } from '../shared/domain-event';

/** Where a reply stands. Moderation verdicts (later) add `rejected` and `spam`. */
export type ReplyStatus = 'pending' | 'published' | 'retracted';

export interface ReplyAuthor {
  kind: 'reader' | 'guest' | 'moderator' | 'admin';
  /** JWT `sub` for signed-in commenters, keyed hash of the email for guests. */
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

export type ReplyEvent = ReplySubmitted | ReplyEdited | ReplyRetracted;

export function authorOf(actor: Actor): ReplyAuthor {
  if (actor.kind === 'system') throw new Error('the system does not write replies');
  return { kind: actor.kind, id: actor.id, name: actor.name };
}
