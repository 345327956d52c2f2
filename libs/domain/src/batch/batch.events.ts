import { DomainEvent } from '../shared/domain-event';
import { ModeratorAction, ReplyStatus } from '../reply/reply.events';

/**
 * One reply's own decision in a batch of decisions (a what-if applied, docs/decisions/0033),
 * taken only while the reply's status and text are still as seen (`seenVersion`: its stream
 * version of their last change).
 */
export interface BatchDecision {
  replyId: string;
  action: ModeratorAction;
  seenVersion: number;
}

/**
 * Which replies a batch covers: listed by the moderator, every reply of one commenter (a ban's
 * reject-all), or listed each with its own decision.
 */
export type BatchSelection = { replyIds: string[] } | { commenterId: string } | { decisions: BatchDecision[] };

/** One decision for every reply, or `per-reply` for a selection of decisions. */
export type BatchAction = ModeratorAction | 'per-reply';

/** A moderator asked for one decision on many replies (or an admin for a decision on each); a job carries it out. */
export type BatchRequested = DomainEvent<
  'batch.requested',
  { batchId: string; action: BatchAction; reason: string | null; selection: BatchSelection; requestedAt: string }
>;

export interface BatchOutcomes {
  /** Decided by this batch. */
  changed: string[];
  /** Left as they were: already in that state, retracted or removed. */
  unchanged: { replyId: string; status: ReplyStatus }[];
  /** Not found, or the decision was refused. */
  failed: { replyId: string; error: string }[];
}

/** The job went through some of the replies (a chunk): progress, and what an undo goes back over. */
export type BatchProgressed = DomainEvent<'batch.progressed', { batchId: string } & BatchOutcomes>;

export type BatchCompleted = DomainEvent<'batch.completed', { batchId: string; completedAt: string }>;

export type BatchUndoRequested = DomainEvent<'batch.undo-requested', { batchId: string; requestedAt: string }>;

export interface UndoOutcomes {
  /** Back where the batch found them. */
  restored: string[];
  /** Changed since the batch (by a moderator, a verdict, the author): reported, left as they are. */
  changedSince: { replyId: string; status: ReplyStatus | null; why: string }[];
}

export type BatchUndoProgressed = DomainEvent<'batch.undo-progressed', { batchId: string } & UndoOutcomes>;

export type BatchUndone = DomainEvent<'batch.undone', { batchId: string; undoneAt: string }>;

export type BatchEvent = BatchRequested | BatchProgressed | BatchCompleted | BatchUndoRequested | BatchUndoProgressed | BatchUndone;
