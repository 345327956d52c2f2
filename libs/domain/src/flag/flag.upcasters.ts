import { FLAG_THRESHOLD_BEFORE_POLICY } from './flag-tally';
import { FlagPolicy } from './flag.events';

type FlaggedV1 = { policy?: { version: number; flagThreshold: number; hideAtThreshold?: boolean } } & Record<string, unknown>;

/**
 * `reply.flagged` schema 1 → 2: the policy a flag carries becomes always there and whole. Flags
 * from before the policy stream counted to 3 under no version; flags from before hide-at-threshold
 * never hid anything. Stored events are never rewritten: they are upcast when read.
 */
export const REPLY_FLAGGED_V1_TO_V2 = {
  type: 'reply.flagged',
  fromVersion: 1,
  upcast(data: unknown): unknown {
    const d = data as FlaggedV1;
    const policy: FlagPolicy = { version: d.policy?.version ?? null, flagThreshold: d.policy?.flagThreshold ?? FLAG_THRESHOLD_BEFORE_POLICY, hideAtThreshold: d.policy?.hideAtThreshold ?? false };
    return { ...d, policy };
  },
};
