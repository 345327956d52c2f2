import { Reply } from '../reply/reply';
import { AggregateRoot } from '../shared/aggregate-root';
import { Actor } from '../shared/domain-event';
import { RuleViolationError } from '../shared/domain-errors';
import { REACTION_TYPES, ReactionEvent, ReactionType } from './reaction.events';

/**
 * One reader's reactions on one reply: its own stream, so a popular reply's stream never gets
 * busy. At most one reaction of each type; reacting again, or taking back one not there,
 * records nothing (the verbs answer whether they recorded).
 */
export class Reaction extends AggregateRoot<ReactionEvent> {
  readonly types = new Set<ReactionType>();
  /** Any reaction event before: the first one marks itself for the commenter ledger. */
  private reacted = false;

  static streamId(replyId: string, commenterId: string): string {
    return `reaction-${replyId}-${commenterId}`;
  }

  /** A reader reacts to a published reply of someone else's; false when they have already. */
  react(reply: Reply, reader: Actor, type: ReactionType, now: Date): boolean {
    if (!REACTION_TYPES.includes(type)) throw new RuleViolationError(`a reaction is one of ${REACTION_TYPES.join(', ')}`);
    if (this.types.has(type)) return false;
    if (reply.status !== 'published') throw new RuleViolationError('only a published reply can be reacted to');
    if (reply.author.id === reader.id) throw new RuleViolationError('you cannot react to your own reply');
    const first = !this.reacted;
    this.record({ type: 'reply.reacted', schemaVersion: 1, data: { replyId: reply.id, articleId: reply.articleId, commenterId: reader.id, type, at: now.toISOString(), ...(first ? { first: true as const } : {}) } });
    return true;
  }

  /**
   * Takes a reaction back, whatever the reply's status now (a reader may withdraw a like from a
   * reply held since); false when there was none.
   */
  unreact(reply: Reply, reader: Actor, type: ReactionType, now: Date): boolean {
    if (!this.types.has(type)) return false;
    this.record({ type: 'reply.unreacted', schemaVersion: 1, data: { replyId: reply.id, articleId: reply.articleId, commenterId: reader.id, type, at: now.toISOString() } });
    return true;
  }

  protected toState() {
    return { types: [...this.types], reacted: this.reacted };
  }

  protected fromState(state: unknown): void {
    this.types.clear();
    const s = state as { types: ReactionType[]; reacted?: boolean };
    for (const t of s.types) this.types.add(t);
    this.reacted = s.reacted ?? s.types.length > 0;
  }

  protected when(event: ReactionEvent): void {
    this.reacted = true;
    if (event.type === 'reply.reacted') this.types.add(event.data.type);
    else if (event.type === 'reply.unreacted') this.types.delete(event.data.type);
  }
}
