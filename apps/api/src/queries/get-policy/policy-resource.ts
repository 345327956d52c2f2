import { ModerationPolicy } from '@app/moderation';

/** The policy as the API shows it: the rules, their version and when they took effect (null: the starting policy). */
export const policyResource = (policy: ModerationPolicy, changedAt: string | null) => ({ ...policy, changedAt });
