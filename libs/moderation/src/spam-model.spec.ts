import { countDelta, MAX_TOKENS, MIN_TEXTS_PER_CLASS, SpamModel, tokenize, tokenKey, tokenKeysOf, type CountDelta } from './spam-model';

const SPAM = [
  'Cheap pills online, best price, order now at cheap-pills.example.com',
  'Best price on watches! Order now, free shipping, limited offer',
  'Earn money from home, click here, free offer, order now',
  'Limited offer: cheap loans, best price, apply now online',
  'Free casino bonus, click here, best offer online now',
  'Cheap followers, order now, best price guaranteed',
  'Work from home and earn money fast, click here now',
  'Best price cheap pills, free shipping, order online now',
  'Crypto offer: earn money fast, click here, limited',
  'Cheap watches online, best price, free shipping, order now',
];
const HAM = [
  'The minister should answer questions about the budget before the vote.',
  'I disagree with the editorial: the council has already cut library hours twice.',
  'The report cited in the article says waiting lists grew in the north.',
  'Turnout in the last election was lower than the article suggests.',
  'This is the third budget in a row that ignores rural bus services.',
  'The committee hearing on housing was postponed again, according to the minutes.',
  'The opposition voted for the same measure last year, which the article leaves out.',
  'Local schools were promised funding in the budget and are still waiting.',
  'The interview with the minister avoided the question about the hospital.',
  'I live near the proposed site and the council never consulted residents.',
];

/** A model learned from the fixtures above, one delta per text, as the projection would build it. */
function trained(): SpamModel {
  const model = SpamModel.empty();
  for (const t of SPAM) model.apply(model.learn(t, 'spam', 1));
  for (const t of HAM) model.apply(model.learn(t, 'ham', 1));
  return model;
}

describe('tokenize and tokenKey', () => {
  it('reads distinct lower-case words in order, folding letters and dropping one-letter words', () => {
    expect(tokenize('Cheap PILLS, cheap pills! a Ｏｆｆｅｒ at 50% off')).toEqual(['cheap', 'pills', 'offer', 'at', '50', 'off']);
  });

  it('reads at most MAX_TOKENS distinct words from one text, and skips absurdly long ones', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `word${i}`).join(' ');
    expect(tokenize(many)).toHaveLength(MAX_TOKENS);
    expect(tokenize(`${'x'.repeat(41)} real`)).toEqual(['real']);
  });

  it('keys tokens by 16 hex digits of SHA-256, never with "." or "$"', () => {
    expect(tokenKey('cheap')).toBe('c6f556046e0c0046'); // printf cheap | sha256sum
    expect(tokenKey('cheap')).toMatch(/^[0-9a-f]{16}$/);
    expect(tokenKey('$where.x')).toMatch(/^[0-9a-f]{16}$/);
    expect(tokenKey('cheap')).not.toBe(tokenKey('pills'));
  });
});

describe('SpamModel.probability', () => {
  it('says 0.5 until both classes have enough texts', () => {
    const model = SpamModel.empty();
    for (const t of SPAM) model.apply(model.learn(t, 'spam', 1));
    for (const t of HAM.slice(0, MIN_TEXTS_PER_CLASS - 1)) model.apply(model.learn(t, 'ham', 1));
    expect(model.probability(tokenize(SPAM[0]))).toBe(0.5);
    model.apply(model.learn(HAM[9], 'ham', 1));
    expect(model.probability(tokenize(SPAM[0]))).toBeGreaterThan(0.5);
  });

  it('scores spam-like text high and ordinary replies low, within 0.01..0.99', () => {
    const model = trained();
    const spammy = model.probability(tokenize('Cheap offer, best price, order now, click here'));
    const hammy = model.probability(tokenize('The council and the minister ignored the budget report'));
    expect(spammy).toBeGreaterThan(0.9);
    expect(spammy).toBeLessThanOrEqual(0.99);
    expect(hammy).toBeLessThan(0.1);
    expect(hammy).toBeGreaterThanOrEqual(0.01);
  });

  it('says 0.5 for a text it has no evidence about', () => {
    expect(trained().probability(tokenize('Zebras gallop quietly'))).toBe(0.5);
    expect(trained().probability([])).toBe(0.5);
  });

  it('gives the same number for the same counts', () => {
    const a = trained();
    const b = new SpamModel(a.counts(), 42);
    const text = tokenize('Order now: the minister offers cheap housing, click here');
    expect(b.probability(text)).toBe(a.probability(text));
  });
});

describe('SpamModel learning and unlearning', () => {
  it('learn describes the change and leaves the model as it is', () => {
    const model = trained();
    const before = model.counts();
    const delta = model.learn('Cheap pills', 'spam', 1);
    expect(model.counts()).toEqual(before);
    expect(delta).toEqual({
      spam: 1,
      ham: 0,
      tokens: new Map([
        [tokenKey('cheap'), { spam: 1, ham: 0 }],
        [tokenKey('pills'), { spam: 1, ham: 0 }],
      ]),
    });
  });

  it('unlearning is the exact opposite of learning: together they change nothing', () => {
    const model = SpamModel.empty();
    const learnt = model.learn(SPAM[0], 'spam', 1);
    const unlearnt = model.learn(SPAM[0], 'spam', -1);
    expect(unlearnt.spam).toBe(-learnt.spam);
    for (const [key, c] of learnt.tokens) {
      expect(c.spam + unlearnt.tokens.get(key)!.spam).toBe(0);
      expect(c.ham + unlearnt.tokens.get(key)!.ham).toBe(0);
    }
    expect([...unlearnt.tokens.keys()]).toEqual([...learnt.tokens.keys()]);
    model.apply(learnt);
    model.apply(unlearnt);
    expect(model.counts()).toEqual({ spam: 0, ham: 0, tokens: new Map() });
  });

  it('a moderator reversing spam to ham moves the text from one class to the other', () => {
    const model = trained();
    const expected = trained();
    model.apply(model.learn('Cheap tickets here', 'spam', 1));
    model.apply(model.learn('Cheap tickets here', 'spam', -1));
    model.apply(model.learn('Cheap tickets here', 'ham', 1));
    expected.apply(expected.learn('Cheap tickets here', 'ham', 1));
    expect(model.counts()).toEqual(expected.counts());
  });

  it('unlearns from stored token keys alone, for a text whose author was erased', () => {
    const text = 'Cheap pills online, best price';
    expect(countDelta(tokenKeysOf(text), 'spam', -1)).toEqual(SpamModel.empty().learn(text, 'spam', -1));
  });

  it('reaches the same model whatever order the changes come in (commutative counts)', () => {
    const deltas: CountDelta[] = [
      ...SPAM.map((t) => countDelta(tokenKeysOf(t), 'spam', 1)),
      ...HAM.map((t) => countDelta(tokenKeysOf(t), 'ham', 1)),
      countDelta(tokenKeysOf(SPAM[3]), 'spam', -1),
      countDelta(tokenKeysOf(SPAM[3]), 'ham', 1),
      countDelta(tokenKeysOf(HAM[2]), 'ham', -1),
    ];
    const inOrder = SpamModel.empty();
    deltas.forEach((d, i) => inOrder.apply(d, i + 1));
    const reversed = SpamModel.empty();
    [...deltas].reverse().forEach((d, i) => reversed.apply(d, deltas.length - i));
    const interleaved = SpamModel.empty();
    [...deltas.filter((_, i) => i % 2 === 1), ...deltas.filter((_, i) => i % 2 === 0)].forEach((d) => interleaved.apply(d, deltas.length));

    expect(reversed.counts()).toEqual(inOrder.counts());
    expect(interleaved.counts()).toEqual(inOrder.counts());
    expect(reversed.version).toBe(inOrder.version);
    const probe = tokenize('cheap loans, click here, the budget vote');
    expect(reversed.probability(probe)).toBe(inOrder.probability(probe));
    expect(interleaved.probability(probe)).toBe(inOrder.probability(probe));
  });

  it('does not touch the counts it was built from', () => {
    const counts = trained().counts();
    const model = new SpamModel(counts, 7);
    const size = counts.tokens.size;
    const first = [...counts.tokens.values()][0].spam;
    model.apply(model.learn('brand new words entirely', 'spam', 1));
    model.apply(model.learn(SPAM[0], 'spam', 1));
    expect(counts.tokens.size).toBe(size);
    expect([...counts.tokens.values()][0].spam).toBe(first);
  });
});
