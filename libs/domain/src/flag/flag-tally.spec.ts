import { ReplyFlagged } from './flag.events';
import { NO_FLAGS, tallyFlag } from './flag-tally';
import { REPLY_FLAGGED_V1_TO_V2 } from './flag.upcasters';

type PolicyV1 = { version: number; flagThreshold: number; hideAtThreshold?: boolean };
/** A flag as a store holding schema 1 has it, read through the upcaster as every reader does. */
const flag = (policy?: PolicyV1): ReplyFlagged['data'] =>
  REPLY_FLAGGED_V1_TO_V2.upcast({ replyId: 'r1', articleId: 'a1', commenterId: 'bob', reason: 'abuse', note: null, flaggedAt: 'x', ...(policy ? { policy } : {}) }) as ReplyFlagged['data'];
const tally = (flags: ReplyFlagged['data'][], published = true) => flags.reduce((t, f) => tallyFlag(t, f, published), NO_FLAGS);

describe('tallyFlag', () => {
  it('hides a published reply once its flags reach the threshold of a policy that hides at it', () => {
    const hiding = { version: 2, flagThreshold: 2, hideAtThreshold: true };
    expect(tally([flag(hiding)])).toEqual({ flags: 1, hidden: false });
    expect(tally([flag(hiding), flag(hiding)])).toEqual({ flags: 2, hidden: true });
  });

  it('never hides under a policy that does not, under one from before hide-at-threshold, or a reply not published', () => {
    expect(tally([flag({ version: 2, flagThreshold: 1, hideAtThreshold: false })])).toEqual({ flags: 1, hidden: false });
    expect(tally([flag({ version: 1, flagThreshold: 1 }), flag(undefined), flag(undefined)])).toEqual({ flags: 3, hidden: false });
    expect(tally([flag({ version: 2, flagThreshold: 1, hideAtThreshold: true })], false)).toEqual({ flags: 1, hidden: false });
  });

  it('counts the flags raised before the policy hid: the one past the threshold hides; a later policy does not unhide', () => {
    const before = { version: 1, flagThreshold: 2, hideAtThreshold: false };
    const after = { version: 2, flagThreshold: 2, hideAtThreshold: true };
    expect(tally([flag(before), flag(before), flag(after)])).toEqual({ flags: 3, hidden: true });
    expect(tally([flag(after), flag(after), flag(before)])).toEqual({ flags: 3, hidden: true });
  });
});

describe('reply.flagged schema 1 to 2', () => {
  it('fills the policy of a flag from before the policy stream (3, no version) and hideAtThreshold of one from before hiding (false)', () => {
    expect(flag().policy).toEqual({ version: null, flagThreshold: 3, hideAtThreshold: false });
    expect(flag({ version: 4, flagThreshold: 2 }).policy).toEqual({ version: 4, flagThreshold: 2, hideAtThreshold: false });
    expect(flag({ version: 4, flagThreshold: 2, hideAtThreshold: true }).policy).toEqual({ version: 4, flagThreshold: 2, hideAtThreshold: true });
    expect(flag({ version: 4, flagThreshold: 2 })).toMatchObject({ replyId: 'r1', reason: 'abuse', note: null });
  });
});
