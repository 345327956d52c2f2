import { AggregateRoot } from '../shared/aggregate-root';
import { checkText } from '../shared/text';
import { CommenterEvent } from './commenter.events';

export const MAX_ERASURE_REASON_LENGTH = 500;

export interface EraseCommenter {
  requestedBy: 'commenter' | 'admin';
  /** Required from an admin (the legal request it answers); the commenter's own request needs none. */
  reason?: string;
}

/** A commenter as the log knows them: by a random id, with no personal data in plain. */
export class Commenter extends AggregateRoot<CommenterEvent> {
  id = '';
  erasedAt: Date | null = null;

  static streamId(commenterId: string): string {
    return `commenter-${commenterId}`;
  }

  static of(commenterId: string): Commenter {
    const commenter = new Commenter();
    commenter.id = commenterId;
    return commenter;
  }

  get erased(): boolean {
    return this.erasedAt !== null;
  }

  /** Records the erasure once; a second request finds it done and records nothing. */
  erase(request: EraseCommenter, now: Date): void {
    if (this.erased) return;
    const reason = request.requestedBy === 'commenter' ? 'requested by the commenter' : Commenter.checkReason(request.reason);
    this.record({
      type: 'commenter.erased',
      schemaVersion: 1,
      data: { commenterId: this.id, requestedBy: request.requestedBy, reason, erasedAt: now.toISOString() },
    });
  }

  static checkReason(reason: string | undefined): string {
    return checkText(reason, { field: 'reason', what: 'the reason of an erasure (the request it answers)', max: MAX_ERASURE_REASON_LENGTH });
  }

  protected toState() {
    return { id: this.id, erasedAt: this.erasedAt?.toISOString() ?? null };
  }

  protected fromState(state: unknown): void {
    const s = state as ReturnType<Commenter['toState']>;
    this.id = s.id;
    this.erasedAt = s.erasedAt ? new Date(s.erasedAt) : null;
  }

  protected when(event: CommenterEvent): void {
    if (event.type === 'commenter.erased') {
      this.id = event.data.commenterId;
      this.erasedAt = new Date(event.data.erasedAt);
    }
  }
}
