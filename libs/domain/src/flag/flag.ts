import { Reply } from '../reply/reply';
import { AggregateRoot } from '../shared/aggregate-root';
import { Actor } from '../shared/domain-event';
import { RuleViolationError } from '../shared/domain-errors';
import { checkText } from '../shared/text';
import { FlagEvent, FlagPolicy, FlagReason } from './flag.events';

export const MAX_FLAG_NOTE_LENGTH = 500;

/** One reader's flag on one reply: its own stream, so a viral reply's stream never gets busy. */
export class Flag extends AggregateRoot<FlagEvent> {
  flagged = false;

  static streamId(replyId: string, commenterId: string): string {
    return `flag-${replyId}-${commenterId}`;
  }

  /** A reader flags a published reply of someone else's, once. */
  raise(reply: Reply, flagger: Actor, reason: FlagReason, note: string | null, now: Date, policy: Required<FlagPolicy>): void {
    if (this.flagged) throw new RuleViolationError('you have flagged this reply already');
    if (reply.status !== 'published') throw new RuleViolationError('only a published reply can be flagged');
    if (reply.author.id === flagger.id) throw new RuleViolationError('you cannot flag your own reply');
    const text = note === null ? null : checkText(note, { field: 'note', what: 'a note', max: MAX_FLAG_NOTE_LENGTH, multiline: true });
    this.record({
      type: 'reply.flagged',
      schemaVersion: 2,
      data: { replyId: reply.id, articleId: reply.articleId, commenterId: flagger.id, reason, note: text, flaggedAt: now.toISOString(), policy },
    });
  }

  protected toState() {
    return { flagged: this.flagged };
  }

  protected fromState(state: unknown): void {
    this.flagged = (state as { flagged: boolean }).flagged;
  }

  protected when(event: FlagEvent): void {
    if (event.type === 'reply.flagged') this.flagged = true;
  }
}
