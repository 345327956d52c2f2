import { checkPolicy, ModerationPolicy, PolicyError } from '@app/moderation';
import { AggregateRoot } from '../shared/aggregate-root';
import { InvalidCommandError } from '../shared/domain-errors';
import { checkText } from '../shared/text';
import { PolicyEvent } from './policy.events';

export const MAX_POLICY_REASON_LENGTH = 500;

/**
 * The moderation policy of a site as its own stream (`policy-<site>`). Until an admin changes
 * it, the starting policy (the built-in one, or the deployment's) is in force as version 0.
 */
export class SitePolicy extends AggregateRoot<PolicyEvent> {
  policy: ModerationPolicy;
  changedAt: string | null = null;

  constructor(
    readonly site: string,
    starting: ModerationPolicy,
  ) {
    super();
    this.policy = starting.version === 0 ? starting : checkPolicy({ ...starting, version: 0 });
  }

  static streamId(site: string): string {
    return `policy-${site}`;
  }

  /**
   * Replaces the policy with `input` (every field, no version: the stream gives it one).
   * The same rules as what is in force record nothing.
   */
  change(input: Record<string, unknown>, reason: string | null | undefined, now: Date): void {
    let next: ModerationPolicy;
    try {
      next = checkPolicy({ ...input, version: this.version + 1 });
    } catch (error) {
      if (error instanceof PolicyError) throw new InvalidCommandError(error.message, `policy.${error.field}`);
      throw error;
    }
    const { version: _, ...rules } = next;
    const { version: __, ...current } = this.policy;
    if (JSON.stringify(rules) === JSON.stringify(current)) return;
    const why = reason === undefined || reason === null ? null : checkText(reason, { field: 'reason', what: 'the reason for the change', max: MAX_POLICY_REASON_LENGTH });
    this.record({ type: 'policy.changed', schemaVersion: 1, data: { site: this.site, policy: next, reason: why, changedAt: now.toISOString() } });
  }

  protected toState() {
    return { policy: this.policy, changedAt: this.changedAt };
  }

  protected fromState(state: unknown): void {
    const s = state as ReturnType<SitePolicy['toState']>;
    this.policy = checkPolicy(s.policy);
    this.changedAt = s.changedAt;
  }

  protected when(event: PolicyEvent): void {
    if (event.type === 'policy.changed') {
      // Checked when it was written; read as it was, so a stricter check later cannot make
      // the stream unreadable (an upcaster would migrate it instead).
      this.policy = Object.freeze({ ...event.data.policy, version: this.version + 1 });
      this.changedAt = event.data.changedAt;
    }
  }
}
