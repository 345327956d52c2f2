import { createHash } from 'node:crypto';
import { foldText } from './fold';

/**
 * A naive-Bayes spam model learned from moderators' decisions. It is nothing but counts: how
 * many texts were learned as spam and as ham, and for each token in how many of each it
 * appeared. Counts only ever add up, so learning, and unlearning (the same change with the
 * opposite sign), commute: the model projection can apply them in log order during a rebuild
 * and reach exactly the live model, and a moderator reversing a decision or an erased author
 * simply subtracts what was added.
 */

export type SpamClass = 'spam' | 'ham';
export interface TokenCounts {
  spam: number;
  ham: number;
}
/** Texts learned per class, and per token key the texts of each class that held the token. */
export interface ModelCounts {
  spam: number;
  ham: number;
  tokens: Map<string, TokenCounts>;
}
/** A change to apply to `ModelCounts`: every number is added (negative to unlearn). */
export type CountDelta = ModelCounts;

/** At most this many distinct tokens are read from one text: a 5,000-character reply costs the same as a short one. */
export const MAX_TOKENS = 200;
/** Words longer than this are noise (random strings, glued URLs) and make poor evidence. */
const MAX_TOKEN_LENGTH = 40;
/** Below this many learned texts in either class the model has nothing to say and answers 0.5. */
export const MIN_TEXTS_PER_CLASS = 10;
/** A token seen in fewer learned texts than this is not evidence yet. */
const MIN_TOKEN_TEXTS = 2;
/** Only the strongest few tokens decide, as in Graham's "A Plan for Spam": long texts do not pile up weak evidence. */
const DECIDING_TOKENS = 15;
/** The model never claims certainty: a moderator's decisions teach it, and they are a small sample. */
const FLOOR = 0.01;
const CEILING = 0.99;

/**
 * The distinct words of a text, folded to lower case, in the order they first appear, at most
 * MAX_TOKENS of them. A word is a run of letters or digits, two to MAX_TOKEN_LENGTH long.
 */
export function tokenize(text: string): string[] {
  const seen = new Set<string>();
  for (const [word] of foldText(text).matchAll(/[\p{L}\p{N}]+/gu)) {
    if (word.length < 2 || word.length > MAX_TOKEN_LENGTH) continue;
    seen.add(word);
    if (seen.size === MAX_TOKENS) break;
  }
  return [...seen];
}

/**
 * The key a token is counted under: the first 16 hex digits of its SHA-256. Stored keys then
 * never hold "." or a leading "$" (which MongoDB refuses in field names), have one length, and
 * the model's documents do not list readers' words in plain text.
 */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16);
}

/** The distinct token keys of a text; what a projection keeps to unlearn a text after it is erased. */
export function tokenKeysOf(text: string): string[] {
  return [...new Set(tokenize(text).map(tokenKey))];
}

/** The change that learning (sign 1) or unlearning (sign -1) a text with these token keys makes. */
export function countDelta(keys: readonly string[], cls: SpamClass, sign: 1 | -1): CountDelta {
  const one = (c: SpamClass) => (c === cls ? sign : 0);
  const tokens = new Map<string, TokenCounts>();
  for (const key of keys) tokens.set(key, { spam: one('spam'), ham: one('ham') });
  return { spam: one('spam'), ham: one('ham'), tokens };
}

export class SpamModel {
  private spamTexts: number;
  private hamTexts: number;
  private readonly tokens: Map<string, TokenCounts>;

  /**
   * @param counts the learned counts (copied: applying changes later never touches them)
   * @param version the log position the counts have reached; verdicts record it
   */
  constructor(
    counts: ModelCounts,
    public version: number,
  ) {
    this.spamTexts = counts.spam;
    this.hamTexts = counts.ham;
    this.tokens = new Map([...counts.tokens].map(([key, c]) => [key, { spam: c.spam, ham: c.ham }]));
  }

  static empty(version = 0): SpamModel {
    return new SpamModel({ spam: 0, ham: 0, tokens: new Map() }, version);
  }

  /**
   * The change learning `text` as `cls` makes (sign -1: unlearning it). Describes the change
   * and leaves this model as it is: the model projection applies it, and workers get it from
   * there (`apply`).
   */
  learn(text: string, cls: SpamClass, sign: 1 | -1): CountDelta {
    return countDelta(tokenKeysOf(text), cls, sign);
  }

  /**
   * Adds a change to the counts; the version moves to `position` if that is further on.
   * Counts are added as they come, even below zero for a moment (an unlearning read before
   * its learning), so the result never depends on the order; `probability` reads a count
   * below zero as zero.
   */
  apply(delta: CountDelta, position?: number): void {
    this.spamTexts += delta.spam;
    this.hamTexts += delta.ham;
    for (const [key, change] of delta.tokens) {
      const c = this.tokens.get(key) ?? { spam: 0, ham: 0 };
      c.spam += change.spam;
      c.ham += change.ham;
      if (c.spam === 0 && c.ham === 0) this.tokens.delete(key);
      else this.tokens.set(key, c);
    }
    if (position !== undefined && position > this.version) this.version = position;
  }

  /** A copy of the counts, keys in order and tokens at zero left out, so equal models compare equal. */
  counts(): ModelCounts {
    const keys = [...this.tokens.keys()].filter((k) => this.tokens.get(k)!.spam !== 0 || this.tokens.get(k)!.ham !== 0).sort();
    return { spam: this.spamTexts, ham: this.hamTexts, tokens: new Map(keys.map((k) => [k, { ...this.tokens.get(k)! }])) };
  }

  /**
   * How likely a text with these tokens is spam, from 0.01 to 0.99; 0.5 while either class has
   * fewer than MIN_TEXTS_PER_CLASS texts, or when no token is evidence either way.
   *
   * Each token's evidence is the log ratio of its Laplace-smoothed frequencies in spam and ham
   * texts, ln(((s+1)/(S+2)) / ((h+1)/(H+2))); the DECIDING_TOKENS strongest are summed and the
   * sum is turned into a probability. Both classes are taken as equally likely beforehand: which
   * replies moderators happen to mark is no measure of how common spam is, and the policy's
   * thresholds decide what a probability means. Ties and the order of summing are fixed, so the
   * same counts give the same number, bit for bit, on a replay.
   */
  probability(tokens: readonly string[]): number {
    const S = Math.max(0, this.spamTexts);
    const H = Math.max(0, this.hamTexts);
    if (S < MIN_TEXTS_PER_CLASS || H < MIN_TEXTS_PER_CLASS) return 0.5;
    const evidence: { key: string; weight: number }[] = [];
    for (const key of new Set(tokens.slice(0, MAX_TOKENS).map(tokenKey))) {
      const c = this.tokens.get(key);
      if (!c) continue;
      const s = Math.max(0, c.spam);
      const h = Math.max(0, c.ham);
      if (s + h < MIN_TOKEN_TEXTS) continue;
      evidence.push({ key, weight: Math.log((s + 1) / (S + 2)) - Math.log((h + 1) / (H + 2)) });
    }
    evidence.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const sum = evidence.slice(0, DECIDING_TOKENS).reduce((total, e) => total + e.weight, 0);
    if (sum === 0) return 0.5;
    return Math.min(CEILING, Math.max(FLOOR, 1 / (1 + Math.exp(-sum))));
  }
}
