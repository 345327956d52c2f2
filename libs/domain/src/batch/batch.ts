import { AggregateRoot } from '../shared/aggregate-root';
import { InvalidCommandError, NotFoundError, RuleViolationError } from '../shared/domain-errors';
import { checkText } from '../shared/text';
import { MAX_REASON_LENGTH } from '../reply/reply';
import { ModeratorAction, ReplyStatus } from '../reply/reply.events';
import { BatchAction, BatchEvent, BatchOutcomes, BatchSelection, UndoOutcomes } from './batch.events';

const MODERATOR_ACTIONS: readonly ModeratorAction[] = ['approve', 'reject', 'spam'];

/** Most replies one bulk request may name: the batch and its view stay bounded. */
export const MAX_BATCH_REPLIES = 500;

export type BatchState = 'running' | 'completed' | 'undoing' | 'undone';

export interface RequestBatch {
  batchId: string;
  action: BatchAction;
  reason: string | null;
  selection: BatchSelection;
}

/**
 * One decision on many replies (`batch-<id>`), run by a job in chunks. Each reply's decision
 * is an event in the reply's own stream carrying the batch id and the status it replaced; this
 * stream records what the job went through, so a retried job resumes and an undo knows where to go.
 */
export class ModerationBatch extends AggregateRoot<BatchEvent> {
  id = '';
  action: BatchAction = 'approve';
  reason: string | null = null;
  selection: BatchSelection = { replyIds: [] };
  state: BatchState = 'running';
  requestedAt = '';
  completedAt: string | null = null;
  undoneAt: string | null = null;
  readonly changed = new Set<string>();
  readonly unchanged = new Map<string, ReplyStatus>();
  readonly failed = new Map<string, string>();
  readonly restored = new Set<string>();
  readonly changedSince = new Map<string, { status: ReplyStatus | null; why: string }>();

  static streamId(batchId: string): string {
    return `batch-${batchId}`;
  }

  static request(input: RequestBatch, now: Date): ModerationBatch {
    const perReply = 'decisions' in input.selection;
    if (perReply !== (input.action === 'per-reply')) throw new InvalidCommandError('a batch of decisions, and only such a batch, takes its action per reply', 'action');
    if ('decisions' in input.selection) {
      for (const d of input.selection.decisions) {
        if (!MODERATOR_ACTIONS.includes(d.action)) throw new InvalidCommandError(`${d.action} is no moderator action`, 'decisions');
      }
    }
    const ids = ModerationBatch.listed(input.selection);
    if (ids !== null) {
      if (ids.length === 0) throw new InvalidCommandError('a batch needs at least one reply', 'replyIds');
      if (ids.length > MAX_BATCH_REPLIES) throw new InvalidCommandError(`a batch takes at most ${MAX_BATCH_REPLIES} replies`, 'replyIds');
      if (new Set(ids).size !== ids.length) throw new InvalidCommandError('a reply is named twice', 'replyIds');
    }
    const reason = input.reason === null ? null : checkText(input.reason, { field: 'reason', what: 'a reason', max: MAX_REASON_LENGTH, multiline: true });
    const batch = new ModerationBatch();
    batch.record({ type: 'batch.requested', schemaVersion: 1, data: { batchId: input.batchId, action: input.action, reason, selection: input.selection, requestedAt: now.toISOString() } });
    return batch;
  }

  /** The replies it names, or null for a commenter's replies (listed when the job runs). */
  static listed(selection: BatchSelection): string[] | null {
    if ('replyIds' in selection) return selection.replyIds;
    if ('decisions' in selection) return selection.decisions.map((d) => d.replyId);
    return null;
  }

  get replyIds(): string[] | null {
    return ModerationBatch.listed(this.selection);
  }

  /** The decision on one reply, and the version it must still be at (per-reply batches only). */
  decisionOn(replyId: string): { action: ModeratorAction; seenVersion: number | null } {
    if (this.action !== 'per-reply') return { action: this.action, seenVersion: null };
    const d = 'decisions' in this.selection ? this.selection.decisions.find((x) => x.replyId === replyId) : undefined;
    if (!d) throw new Error(`batch ${this.id} names no decision on ${replyId}`);
    return { action: d.action, seenVersion: d.seenVersion };
  }

  assertExists(batchId: string): this {
    if (this.id === '') throw new NotFoundError(`batch ${batchId} not found`);
    return this;
  }

  /** Whether the batch's run has gone through this reply already. */
  ranOn(replyId: string): boolean {
    return this.changed.has(replyId) || this.unchanged.has(replyId) || this.failed.has(replyId);
  }

  /** Whether its undo has gone through this reply already. */
  undoneOn(replyId: string): boolean {
    return this.restored.has(replyId) || this.changedSince.has(replyId);
  }

  /** Records a chunk's outcomes, leaving out replies already recorded (a retried job's second pass). */
  progress(outcomes: BatchOutcomes): void {
    const fresh = (id: string) => !this.ranOn(id);
    const data = { batchId: this.id, changed: outcomes.changed.filter(fresh), unchanged: outcomes.unchanged.filter((u) => fresh(u.replyId)), failed: outcomes.failed.filter((f) => fresh(f.replyId)) };
    // A second run of the job that another run finished meanwhile has nothing new to say.
    if (data.changed.length + data.unchanged.length + data.failed.length === 0) return;
    if (this.state !== 'running') throw new RuleViolationError(`the batch is ${this.state}`);
    this.record({ type: 'batch.progressed', schemaVersion: 1, data });
  }

  complete(now: Date): void {
    if (this.state !== 'running') return;
    this.record({ type: 'batch.completed', schemaVersion: 1, data: { batchId: this.id, completedAt: now.toISOString() } });
  }

  /** Once, after the batch has run. */
  requestUndo(now: Date): void {
    if (this.state === 'running') throw new RuleViolationError('the batch is still running; undo it once it has finished');
    if (this.state !== 'completed') throw new RuleViolationError(`the batch was already ${this.state === 'undoing' ? 'being undone' : 'undone'}`);
    this.record({ type: 'batch.undo-requested', schemaVersion: 1, data: { batchId: this.id, requestedAt: now.toISOString() } });
  }

  undoProgress(outcomes: UndoOutcomes): void {
    const fresh = (id: string) => !this.undoneOn(id);
    const data = { batchId: this.id, restored: outcomes.restored.filter(fresh), changedSince: outcomes.changedSince.filter((c) => fresh(c.replyId)) };
    if (data.restored.length + data.changedSince.length === 0) return;
    if (this.state !== 'undoing') throw new RuleViolationError(`the batch is ${this.state}`);
    this.record({ type: 'batch.undo-progressed', schemaVersion: 1, data });
  }

  completeUndo(now: Date): void {
    if (this.state !== 'undoing') return;
    this.record({ type: 'batch.undone', schemaVersion: 1, data: { batchId: this.id, undoneAt: now.toISOString() } });
  }

  protected toState() {
    throw new Error('batches are short streams: no snapshots');
  }

  protected fromState(): void {
    throw new Error('batches are short streams: no snapshots');
  }

  protected when(event: BatchEvent): void {
    switch (event.type) {
      case 'batch.requested':
        Object.assign(this, { id: event.data.batchId, action: event.data.action, reason: event.data.reason, selection: event.data.selection, requestedAt: event.data.requestedAt, state: 'running' });
        break;
      case 'batch.progressed':
        event.data.changed.forEach((id) => this.changed.add(id));
        event.data.unchanged.forEach((u) => this.unchanged.set(u.replyId, u.status));
        event.data.failed.forEach((f) => this.failed.set(f.replyId, f.error));
        break;
      case 'batch.completed':
        this.state = 'completed';
        this.completedAt = event.data.completedAt;
        break;
      case 'batch.undo-requested':
        this.state = 'undoing';
        break;
      case 'batch.undo-progressed':
        event.data.restored.forEach((id) => this.restored.add(id));
        event.data.changedSince.forEach((c) => this.changedSince.set(c.replyId, { status: c.status, why: c.why }));
        break;
      case 'batch.undone':
        this.state = 'undone';
        this.undoneAt = event.data.undoneAt;
        break;
    }
  }
}
