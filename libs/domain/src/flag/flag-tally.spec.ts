import { ReplyFlagged } from './flag.events';
import { NO_FLAGS, tallyFlag } from './flag-tally';

const flag = (policy?: ReplyFlagged['data']['policy']): ReplyFlagged['data'] => ({ replyId: 'r1', articleId: 'a1', commenterId: 'bob', reason: 'abuse', note: null, flaggedAt: 'x', policy });
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
