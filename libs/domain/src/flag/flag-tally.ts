import { ReplyFlagged } from './flag.events';

/** Flags that report a reply when the flag names no threshold: they came before the policy stream. */
export const FLAG_THRESHOLD_BEFORE_POLICY = 3;

/**
 * Readers' flags on one reply since the last moderator's decision, and whether they hid it
 * (docs/decisions/0030). A moderator's decision answers them: the tally starts again at NO_FLAGS.
 */
export interface FlagTally {
  flags: number;
  hidden: boolean;
}

export const NO_FLAGS: FlagTally = { flags: 0, hidden: false };

/** How many flags since the last decision report a reply, as the flag's own policy said. */
export const flagThresholdOf = (flag: ReplyFlagged['data']): number => flag.policy.flagThreshold;

/**
 * The tally after one more flag. A published reply whose flags reach the threshold under a
 * policy that hides at the threshold is hidden from readers, and stays hidden, whatever later
 * flags or policies say, until a moderator decides.
 */
export function tallyFlag(tally: FlagTally, flag: ReplyFlagged['data'], published: boolean): FlagTally {
  const flags = tally.flags + 1;
  const hides = published && flag.policy.hideAtThreshold && flags >= flagThresholdOf(flag);
  return { flags, hidden: tally.hidden || hides };
}
