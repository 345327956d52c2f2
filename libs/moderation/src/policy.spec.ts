import { checkPolicy, DEFAULT_POLICY, PolicyError } from './policy';

/** A fresh, mutable copy of the default policy as an admin would send it. */
const doc = (): any => JSON.parse(JSON.stringify(DEFAULT_POLICY));

function refusal(input: unknown): PolicyError {
  try {
    checkPolicy(input);
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('the policy was accepted');
}

describe('checkPolicy', () => {
  it('accepts the default policy and returns an equal, frozen copy', () => {
    const policy = checkPolicy(doc());
    expect(policy).toEqual(DEFAULT_POLICY);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.words.banned)).toBe(true);
    expect(Object.isFrozen(DEFAULT_POLICY.thresholds)).toBe(true);
  });

  it('trims entries and folds runs of spaces inside them', () => {
    const d = doc();
    d.words.suspect = ['  idiot ', 'jerk   off'];
    expect(checkPolicy(d).words.suspect).toEqual(['idiot', 'jerk off']);
  });

  it('accepts the largest lists it allows', () => {
    const d = doc();
    const long = 'x'.repeat(63);
    d.words.banned = Array.from({ length: 2000 }, (_, i) => `${long}${String.fromCharCode(0x4e00 + i)}`);
    d.words.suspect = [];
    expect(checkPolicy(d).words.banned).toHaveLength(2000);
  });

  it.each([
    ['null', null, 'policy'],
    ['an array', [DEFAULT_POLICY], 'policy'],
    ['text', JSON.stringify(DEFAULT_POLICY), 'policy'],
  ])('refuses a policy that is %s', (_what, input, field) => {
    expect(refusal(input).field).toBe(field);
  });

  const cases: [string, (d: any) => void, string, RegExp][] = [
    ['an unknown field', (d) => (d.treshold = 1), 'treshold', /unknown field "treshold"/],
    ['a missing field', (d) => delete d.velocity, 'velocity', /required/],
    ['a nested unknown field', (d) => (d.thresholds.spam = 0.9), 'thresholds.spam', /unknown/],
    ['a version as text', (d) => (d.version = '3'), 'version', /whole number/],
    ['a fractional version', (d) => (d.version = 1.5), 'version', /whole number/],
    ['a negative version', (d) => (d.version = -1), 'version', /between/],
    ['words as an array', (d) => (d.words = [['a'], ['b']]), 'words', /object/],
    ['thresholds as an array', (d) => (d.thresholds = [0.5, 0.9]), 'thresholds', /object/],
    ['a word list as text', (d) => (d.words.banned = 'idiot'), 'words.banned', /list/],
    ['a word list as an object', (d) => (d.words.suspect = { 0: 'idiot' }), 'words.suspect', /list/],
    ['a word that is a number', (d) => (d.words.suspect = ['ok', 7]), 'words.suspect[1]', /text/],
    ['a word that is null', (d) => (d.words.banned = [null]), 'words.banned[0]', /text/],
    ['a huge list', (d) => (d.words.suspect = Array.from({ length: 2001 }, (_, i) => `w${i}`)), 'words.suspect', /at most 2000/],
    ['a long word', (d) => (d.words.banned = ['y'.repeat(65)]), 'words.banned[0]', /longer than 64/],
    ['an empty word', (d) => (d.words.banned = ['ok', '   ']), 'words.banned[1]', /letter or digit/],
    ['a word of punctuation only', (d) => (d.words.banned = ['!!!']), 'words.banned[0]', /letter or digit/],
    ['a lone star', (d) => (d.words.banned = ['*']), 'words.banned[0]', /letter or digit/],
    ['a star inside a word', (d) => (d.words.banned = ['f*ck']), 'words.banned[0]', /only at its start or end/],
    ['a space next to a star', (d) => (d.words.banned = ['idiot *']), 'words.banned[0]', /space next to/],
    ['a line break in a word', (d) => (d.words.banned = ['a\nb']), 'words.banned[0]', /control/],
    ['a repeated word', (d) => (d.words.suspect = ['Idiot', 'moron', 'idiot ']), 'words.suspect[2]', /repeats words.suspect\[0\]/],
    ['a word in both lists', (d) => (d.words.suspect = ['CUNT']), 'words.suspect[0]', /also banned/],
    ['hold equal to reject', (d) => (d.thresholds = { hold: 0.7, reject: 0.7 }), 'thresholds.hold', /below/],
    ['hold above reject', (d) => (d.thresholds = { hold: 0.9, reject: 0.6 }), 'thresholds.hold', /below/],
    ['a threshold of 0', (d) => (d.thresholds.hold = 0), 'thresholds.hold', /above 0/],
    ['a threshold above 1', (d) => (d.thresholds.reject = 1.2), 'thresholds.reject', /at most 1/],
    ['a threshold as text', (d) => (d.thresholds.reject = '0.9'), 'thresholds.reject', /number/],
    ['fractional links', (d) => (d.links.max = 1.5), 'links.max', /whole number/],
    ['negative links', (d) => (d.links.max = -1), 'links.max', /between/],
    ['a zero velocity', (d) => (d.velocity.perNetworkPerMinute = 0), 'velocity.perNetworkPerMinute', /between/],
    ['a velocity as text', (d) => (d.velocity.perCommenterPerMinute = '5'), 'velocity.perCommenterPerMinute', /whole number/],
    ['repetition as an array', (d) => (d.repetition = [3]), 'repetition', /object/],
    ['a fractional repetition limit', (d) => (d.repetition.maxSameText = 2.5), 'repetition.maxSameText', /whole number/],
    ['a flag threshold of 0', (d) => (d.flags.threshold = 0), 'flags.threshold', /between/],
    ['hideAtThreshold as text', (d) => (d.flags.hideAtThreshold = 'yes'), 'flags.hideAtThreshold', /true or false/],
    ['an unknown mode', (d) => (d.defaultMode = 'auto'), 'defaultMode', /"pre" or "post"/],
  ];
  it.each(cases)('refuses %s, naming the field', (_what, change, field, message) => {
    const d = doc();
    change(d);
    const error = refusal(d);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('refuses a __proto__ key from parsed JSON instead of dropping it', () => {
    const d = JSON.parse(JSON.stringify(DEFAULT_POLICY).replace('"flags":{', '"flags":{"__proto__":{"x":1},'));
    expect(refusal(d).field).toBe('flags.__proto__');
  });
});
