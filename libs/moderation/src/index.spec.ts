import { checkPolicy, DEFAULT_POLICY, screen, SpamModel } from '@app/moderation';

describe('@app/moderation', () => {
  it('is reachable by its alias and screens with a checked policy', () => {
    const policy = checkPolicy(JSON.parse(JSON.stringify(DEFAULT_POLICY)));
    const s = screen({ body: 'You utter moron', authorName: 'A Reader', counts: {} }, policy, SpamModel.empty(3));
    expect(s).toMatchObject({ decision: 'hold', policyVersion: 0, modelVersion: 3 });
    expect(s.reasons.map((r) => r.code)).toEqual(['suspect-word']);
  });
});
