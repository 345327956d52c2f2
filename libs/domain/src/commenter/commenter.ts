import { AggregateRoot } from '../shared/aggregate-root';
import { InvalidCommandError, RuleViolationError } from '../shared/domain-errors';
import { checkText } from '../shared/text';
import { MAX_REASON_LENGTH } from '../reply/reply';
import { CommenterEvent, CommenterStanding } from './commenter.events';

/** The longest suspension; anything longer is a ban. */
export const MAX_SUSPENSION_DAYS = 365;

export interface ChangeStanding {
  standing: Exclude<CommenterStanding, 'normal'> | 'restore';
  reason: string | null;
  /** A suspension's length. */
  durationMinutes?: number;
  /** A ban's batch rejecting every reply of theirs. */
  rejectAllBatchId?: string;
}

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
  standing: CommenterStanding = 'normal';
  suspendedUntil: Date | null = null;

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

  /** How the site treats their next replies at `now`: a suspension past its end is over, whether or not its job has run. */
  standingAt(now: Date): CommenterStanding {
    if (this.standing === 'suspended' && this.suspendedUntil !== null && now.getTime() >= this.suspendedUntil.getTime()) return 'normal';
    return this.standing;
  }

  /** Refuses a reply of theirs while banned or suspended. */
  assertMayReply(now: Date): void {
    const standing = this.standingAt(now);
    if (standing === 'banned') throw new RuleViolationError('you are banned from replying on this site');
    if (standing === 'suspended') throw new RuleViolationError(`you are suspended from replying until ${this.suspendedUntil!.toISOString()}`);
  }

  /** A moderator's decision about the commenter; the same standing again records nothing. */
  changeStanding(change: ChangeStanding, now: Date): void {
    if (this.erased) throw new RuleViolationError('the commenter was erased');
    const standing: CommenterStanding = change.standing === 'restore' ? 'normal' : change.standing;
    let until: string | null = null;
    if (standing === 'suspended') {
      const minutes = change.durationMinutes;
      if (minutes === undefined || !Number.isInteger(minutes) || minutes < 1 || minutes > MAX_SUSPENSION_DAYS * 24 * 60) {
        throw new InvalidCommandError(`a suspension takes a duration of 1 minute to ${MAX_SUSPENSION_DAYS} days, in whole minutes`, 'durationMinutes');
      }
      until = new Date(now.getTime() + minutes * 60_000).toISOString();
    } else if (change.durationMinutes !== undefined) {
      throw new InvalidCommandError('only a suspension takes a duration', 'durationMinutes');
    }
    if (change.rejectAllBatchId !== undefined && standing !== 'banned') throw new InvalidCommandError('only a ban rejects all replies', 'rejectAll');
    const current = this.standingAt(now);
    if (standing === current && standing !== 'suspended' && change.rejectAllBatchId === undefined) return;
    const reason = change.reason === null ? null : checkText(change.reason, { field: 'reason', what: 'a reason', max: MAX_REASON_LENGTH, multiline: true });
    this.record({
      type: 'commenter.standing-changed',
      schemaVersion: 1,
      data: { commenterId: this.id, standing, previousStanding: current, until, reason, rejectAllBatchId: change.rejectAllBatchId ?? null, changedAt: now.toISOString() },
    });
  }

  /** The suspension ending `until` ran out: recorded once, and only if no decision replaced it. */
  endSuspension(until: string, now: Date): void {
    if (this.standing !== 'suspended' || this.suspendedUntil?.toISOString() !== until || now.getTime() < this.suspendedUntil.getTime()) return;
    this.record({
      type: 'commenter.standing-changed',
      schemaVersion: 1,
      data: { commenterId: this.id, standing: 'normal', previousStanding: 'suspended', until: null, reason: 'the suspension ended', rejectAllBatchId: null, changedAt: now.toISOString() },
    });
  }

  static checkReason(reason: string | undefined): string {
    return checkText(reason, { field: 'reason', what: 'the reason of an erasure (the request it answers)', max: MAX_ERASURE_REASON_LENGTH });
  }

  protected toState() {
    return { id: this.id, erasedAt: this.erasedAt?.toISOString() ?? null, standing: this.standing, suspendedUntil: this.suspendedUntil?.toISOString() ?? null };
  }

  protected fromState(state: unknown): void {
    const s = state as ReturnType<Commenter['toState']>;
    this.id = s.id;
    this.erasedAt = s.erasedAt ? new Date(s.erasedAt) : null;
    this.standing = s.standing ?? 'normal';
    this.suspendedUntil = s.suspendedUntil ? new Date(s.suspendedUntil) : null;
  }

  protected when(event: CommenterEvent): void {
    if (event.type === 'commenter.erased') {
      this.id = event.data.commenterId;
      this.erasedAt = new Date(event.data.erasedAt);
    }
    if (event.type === 'commenter.standing-changed') {
      this.id = event.data.commenterId;
      this.standing = event.data.standing;
      this.suspendedUntil = event.data.until ? new Date(event.data.until) : null;
    }
  }
}
