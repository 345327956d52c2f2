import { checkPolicy, DEFAULT_POLICY, type ModerationPolicy } from './policy';
import { replayInput, replayModel, screen, SCORING_RULES, type ScreeningInput } from './screen';
import { SpamModel } from './spam-model';

const THOUGHTFUL =
  'I read the whole piece twice. The minister is right that the deficit matters, but the article leaves out that the same cuts were tried in 2012 and reversed a year later. I would like to see the figures for rural hospitals before I make up my mind.';
const WAVE = 'Great deals at http://cheap.example.com !!!';

const input = (body: string, extra: Partial<ScreeningInput> = {}): ScreeningInput => ({
  body,
  authorName: 'Sam Reader',
  counts: { commenterPerMinute: 1, networkPerMinute: 1, sameText: 1 },
  ...extra,
});
const codes = (s: { reasons: { code: string }[] }) => s.reasons.map((r) => r.code);

function policyWith(change: (d: any) => void): ModerationPolicy {
  const d = JSON.parse(JSON.stringify(DEFAULT_POLICY));
  d.version = 5;
  change(d);
  return checkPolicy(d);
}

/** A model that has learned enough link-drops and ordinary replies to have an opinion. */
function trainedModel(): SpamModel {
  const model = SpamModel.empty(0);
  const spam = ['cheap', 'free', 'best', 'hot', 'great', 'top', 'mega', 'super', 'big', 'new'].map((w) => `${w} deals bonus casino offer click here now`);
  const ham = ['budget', 'council', 'minister', 'hospital', 'election', 'housing', 'schools', 'transport', 'police', 'courts'].map(
    (w) => `the ${w} report in the article leaves out the figures from last year`,
  );
  spam.forEach((t, i) => model.apply(model.learn(t, 'spam', 1), i + 1));
  ham.forEach((t, i) => model.apply(model.learn(t, 'ham', 1), 100 + i));
  return model;
}

describe('screen', () => {
  it('publishes an ordinary thoughtful reply, with nothing against it', () => {
    const s = screen(input(THOUGHTFUL), DEFAULT_POLICY);
    expect(s).toMatchObject({ decision: 'publish', score: 0, reasons: [], policyVersion: 0, modelVersion: null });
    expect(s.features).toEqual({
      rules: SCORING_RULES,
      bannedWords: '[]',
      suspectWords: '[]',
      nameBannedWords: '[]',
      nameSuspectWords: '[]',
      honeypot: false,
      links: 0,
      words: 48,
      linkOnly: false,
      websiteShortBody: false,
      nameLinks: 0,
      commenterPerMinute: 1,
      networkPerMinute: 1,
      sameText: 1,
      countsMissing: false,
      modelProbability: null,
      akismet: null,
    });
  });

  it('publishes a reply citing one source', () => {
    const s = screen(input(`${THOUGHTFUL} The figures: https://stats.example.gov.uk/hospitals`), DEFAULT_POLICY);
    expect(s.decision).toBe('publish');
    expect(s.score).toBe(0.1);
    expect(codes(s)).toEqual(['links']);
  });

  it('rejects a banned word, naming the list entry, even in a disguise', () => {
    const s = screen(input('What the fuuuck is this'), DEFAULT_POLICY);
    expect(s.decision).toBe('reject');
    expect(s.reasons).toEqual([{ code: 'banned-word', detail: 'The reply uses “*fuck*”, which this site does not allow.' }]);
    expect(s.features.bannedWords).toBe('["*fuck*"]');
  });

  it('rejects a banned word in the name shown with the reply', () => {
    const s = screen(input(THOUGHTFUL, { authorName: 'Cunt Face' }), DEFAULT_POLICY);
    expect(s.decision).toBe('reject');
    expect(s.reasons[0].detail).toMatch(/^The name uses “cunt”/);
  });

  it('rejects rather than calls spam when a banned word comes in a spam wave', () => {
    const s = screen(input(`${WAVE} fuck`, { counts: { commenterPerMinute: 30, networkPerMinute: 90, sameText: 40 } }), DEFAULT_POLICY);
    expect(s.decision).toBe('reject');
    expect(s.score).toBeGreaterThanOrEqual(DEFAULT_POLICY.thresholds.reject);
  });

  it.each(['You are an idiot.', 'You are an 1d10t.', 'You are an i d i o t.', 'You are an idiooooot.', 'You are an \u0456d\u0456\u043et.', 'You are an ｉｄｉｏｔ.'])(
    'holds a suspect word: %j',
    (body) => {
      const s = screen(input(body), DEFAULT_POLICY);
      expect(s.decision).toBe('hold');
      expect(s.reasons).toEqual([{ code: 'suspect-word', detail: 'The reply uses “idiot”, so a moderator will read it first.' }]);
      expect(s.score).toBe(0);
    },
  );

  it.each(['The class assessed the glassware.', 'Scunthorpe and Fukushima made the news.', 'Stupidity aside, the idiom is apt.'])('publishes innocent text: %j', (body) => {
    expect(screen(input(body), DEFAULT_POLICY).decision).toBe('publish');
  });

  it('holds quietly when the honeypot was filled', () => {
    const s = screen(input(THOUGHTFUL, { honeypot: true }), DEFAULT_POLICY);
    expect(s.decision).toBe('hold');
    expect(codes(s)).toEqual(['honeypot']);
    expect(s.reasons[0].detail).not.toMatch(/honeypot|hidden|field|bot/i);
    expect(s.features.honeypot).toBe(true);
    expect(s.score).toBe(0);
  });

  it('calls a spam wave spam: a link-drop repeated, with the commenter over the velocity limit', () => {
    const s = screen(input(WAVE, { counts: { commenterPerMinute: 12, networkPerMinute: 12, sameText: 10 } }), DEFAULT_POLICY);
    expect(s.decision).toBe('spam');
    expect(s.score).toBeGreaterThanOrEqual(DEFAULT_POLICY.thresholds.reject);
    expect(codes(s)).toEqual(['links', 'website-short-body', 'commenter-velocity', 'repeated-text', 'spam-score']);
    expect(s.features).toMatchObject({ links: 1, websiteShortBody: true, commenterPerMinute: 12, sameText: 10 });
  });

  it('calls a spam wave spam even just over each limit', () => {
    const s = screen(input(WAVE, { counts: { commenterPerMinute: 6, networkPerMinute: 2, sameText: 4 } }), DEFAULT_POLICY);
    expect(s.decision).toBe('spam');
    expect(s.score).toBe(0.8875); // 1 − 0.9 × 0.5 × 0.5 × 0.5
  });

  it('still scores when Redis gave no counts, and records that they were missing', () => {
    for (const counts of [{}, { commenterPerMinute: null, networkPerMinute: null, sameText: null }]) {
      const s = screen(input(WAVE, { counts }), DEFAULT_POLICY);
      expect(s.decision).toBe('hold'); // the link-drop alone: 1 − 0.9 × 0.5
      expect(s.score).toBe(0.55);
      expect(s.features).toMatchObject({ commenterPerMinute: null, networkPerMinute: null, sameText: null, countsMissing: true });
    }
    const some = screen(input(WAVE, { counts: { commenterPerMinute: 12 } }), DEFAULT_POLICY);
    expect(some.features).toMatchObject({ commenterPerMinute: 12, sameText: null, countsMissing: true });
    expect(codes(some)).toContain('commenter-velocity');
  });

  it('takes a count that is not a count as missing', () => {
    const s = screen(input(THOUGHTFUL, { counts: { commenterPerMinute: Number.NaN, networkPerMinute: -3, sameText: Infinity } }), DEFAULT_POLICY);
    expect(s.features).toMatchObject({ commenterPerMinute: null, networkPerMinute: null, sameText: null, countsMissing: true });
    expect(s.decision).toBe('publish');
  });

  it('holds a link alone, too many links, and a web address as a name', () => {
    expect(screen(input('https://cheap.example.com'), DEFAULT_POLICY)).toMatchObject({ decision: 'hold', score: 0.73 });
    const many = screen(input(`${THOUGHTFUL} a.example.com b.example.com c.example.com`), DEFAULT_POLICY);
    expect(many).toMatchObject({ decision: 'hold', score: 0.6 });
    expect(codes(many)).toEqual(['too-many-links', 'spam-score']);
    expect(screen(input(THOUGHTFUL, { authorName: 'Best Loans www.loans.example' }), DEFAULT_POLICY).decision).toBe('hold');
    expect(screen(input(THOUGHTFUL, { authorName: 'J. R. Smith' }), DEFAULT_POLICY).decision).toBe('publish');
    const realName = screen(input(THOUGHTFUL, { authorName: 'Best Loans cheaploans.com' }), DEFAULT_POLICY);
    expect(realName).toMatchObject({ decision: 'hold', score: 0.5 });
    expect(codes(realName)).toEqual(['link-in-name', 'spam-score']);
  });

  it('weighs a flooding network less than a flooding commenter', () => {
    const network = screen(input(THOUGHTFUL, { counts: { commenterPerMinute: 1, networkPerMinute: 21, sameText: 1 } }), DEFAULT_POLICY);
    expect(network).toMatchObject({ decision: 'publish', score: 0.4 });
    expect(codes(network)).toEqual(['network-velocity']);
    const flood = screen(input(THOUGHTFUL, { counts: { commenterPerMinute: 1, networkPerMinute: 41, sameText: 1 } }), DEFAULT_POLICY);
    expect(flood).toMatchObject({ decision: 'hold', score: 0.6 });
    const commenter = screen(input(THOUGHTFUL, { counts: { commenterPerMinute: 6, networkPerMinute: 6, sameText: 1 } }), DEFAULT_POLICY);
    expect(commenter).toMatchObject({ decision: 'hold', score: 0.5 });
  });

  it('follows the policy: its limits and thresholds, and names its version', () => {
    const strict = policyWith((d) => {
      d.thresholds = { hold: 0.05, reject: 0.95 };
      d.links.max = 0;
    });
    const s = screen(input(`${THOUGHTFUL} https://stats.example.gov.uk`), strict);
    expect(s).toMatchObject({ decision: 'hold', score: 0.6, policyVersion: 5 });
    expect(codes(s)).toEqual(['too-many-links', 'spam-score']);
    const lenient = policyWith((d) => (d.velocity.perCommenterPerMinute = 50));
    expect(screen(input(THOUGHTFUL, { counts: { commenterPerMinute: 12 } }), lenient).decision).toBe('publish');
  });

  it('adds the learned model, recording its probability and version', () => {
    const model = trainedModel();
    const spam = screen(input('Free casino bonus deals, click here now', { counts: {} }), DEFAULT_POLICY, model);
    expect(spam.modelVersion).toBe(109);
    expect(spam.features.modelProbability).toBe(0.99);
    expect(codes(spam)).toEqual(['spam-model', 'spam-score']);
    expect(spam).toMatchObject({ decision: 'spam', score: 0.882 }); // 0.9 × (0.99 − 0.5) × 2
    const ham = screen(input(THOUGHTFUL), DEFAULT_POLICY, model);
    expect(ham.decision).toBe('publish');
    expect(ham.features.modelProbability as number).toBeLessThan(0.5);
    expect(ham.score).toBe(0);
  });

  it("holds on Akismet's word alone, and names it", () => {
    const s = screen(input(THOUGHTFUL, { akismet: true }), DEFAULT_POLICY);
    expect(s).toMatchObject({ decision: 'hold', score: 0.7 });
    expect(codes(s)).toEqual(['akismet-spam', 'spam-score']);
    expect(s.features.akismet).toBe(true);
  });

  it('calls spam a link-drop that Akismet also took for spam, where the link-drop alone is held', () => {
    expect(screen(input(WAVE), DEFAULT_POLICY).decision).toBe('hold');
    const s = screen(input(WAVE, { akismet: true }), DEFAULT_POLICY);
    expect(s).toMatchObject({ decision: 'spam', score: 0.865 }); // 1 − 0.9 × 0.5 × 0.3: the link, the short body, Akismet
    expect(codes(s)).toEqual(['links', 'website-short-body', 'akismet-spam', 'spam-score']);
  });

  it("takes nothing off for Akismet's \"not spam\", and scores on without an answer", () => {
    for (const akismet of [false, null, undefined]) {
      const s = screen(input(WAVE, { akismet }), DEFAULT_POLICY);
      expect(s).toMatchObject({ decision: 'hold', score: 0.55 });
      expect(codes(s)).not.toContain('akismet-spam');
      expect(s.features.akismet).toBe(akismet ?? null);
    }
  });

  it('gives the same verdict again from the recorded features (a replay)', () => {
    const model = trainedModel();
    const cases: ScreeningInput[] = [
      input(WAVE, { counts: { commenterPerMinute: 12, networkPerMinute: 30, sameText: 10 } }),
      input(`You 1d10t, ${THOUGHTFUL}`, { honeypot: true, counts: { commenterPerMinute: 2, sameText: null } }),
      input('Free casino bonus deals at bonus.example.com', { authorName: 'Deals www.deals.example.com', counts: {} }),
      input(THOUGHTFUL, { akismet: true }),
      input(WAVE, { akismet: false, counts: { sameText: 5 } }),
    ];
    for (const original of cases) {
      const first = screen(original, DEFAULT_POLICY, model);
      const stored = JSON.parse(JSON.stringify(first)); // as the verdict event keeps it
      const again = screen(replayInput(original.body, original.authorName, stored.features), DEFAULT_POLICY, new SpamModel(model.counts(), model.version));
      expect(again).toEqual(stored);
    }
  });

  it('replays with the model as the verdict recorded it, without its counts', () => {
    const model = trainedModel();
    for (const original of [input(WAVE), input(THOUGHTFUL), input('Free casino bonus deals at bonus.example.com')]) {
      const stored = JSON.parse(JSON.stringify(screen(original, DEFAULT_POLICY, model)));
      expect(screen(replayInput(original.body, original.authorName, stored.features), DEFAULT_POLICY, replayModel(stored.features, stored.modelVersion))).toEqual(stored);
    }
    // No model ran: none replays.
    const without = screen(input(WAVE), DEFAULT_POLICY);
    expect(replayModel(without.features, without.modelVersion)).toBeUndefined();
    expect(screen(replayInput(WAVE, 'Sam Reader', without.features), DEFAULT_POLICY, replayModel(without.features, null))).toEqual(without);
  });

  it('replays a verdict from before Akismet as scored then: without it', () => {
    const before = screen(input(WAVE), DEFAULT_POLICY);
    const { akismet, ...featuresThen } = before.features;
    expect(akismet).toBeNull();
    expect(screen(replayInput(WAVE, 'Sam Reader', featuresThen), DEFAULT_POLICY)).toMatchObject({ decision: before.decision, score: before.score, reasons: before.reasons });
  });
});
