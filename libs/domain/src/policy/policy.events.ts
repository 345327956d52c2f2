import type { ModerationPolicy } from '@app/moderation';
import { DomainEvent } from '../shared/domain-event';

/**
 * An admin replaced the moderation policy. The event holds the whole policy, with its version
 * (the stream version of this event), so a verdict's `policyVersion` names exactly what it used.
 * Word lists and thresholds are the site's rules, not anyone's personal data: stored in plain.
 */
export type PolicyChanged = DomainEvent<'policy.changed', { site: string; policy: ModerationPolicy; reason: string | null; changedAt: string }>;

export type PolicyEvent = PolicyChanged;
