import { linkFeatures } from './features';
import type { ModerationPolicy } from './policy';
import { SpamModel, tokenize } from './spam-model';
import { findListedWords } from './word-lists';

/**
 * Bumped whenever a rule or weight below changes. Verdicts record it in their features, so a
 * replay knows whether today's code still scores the way the verdict was scored.
 */
export const SCORING_RULES = 2;

/** What a screening reads: the reply as submitted and the counts the caller took from Redis. */
export interface ScreeningInput {
  /** The reply's text (plain text, as stored). */
  body: string;
  /** The name shown with the reply: a signed-in reader's name or the name a guest gave. */
  authorName: string;
  /** The form's hidden field was filled in, as bots fill every field. */
  honeypot?: boolean;
  /**
   * Counts that include this reply: replies by the commenter in the last minute, from the
   * commenter's network in the last minute, and with this text's fingerprint (`textFingerprint`)
   * within the repetition window. Null or missing means Redis could not answer: scoring goes on
   * without that count and the features say so.
   */
  counts: { commenterPerMinute?: number | null; networkPerMinute?: number | null; sameText?: number | null };
  /**
   * Akismet's answer, when the caller asked it: true for spam, false for not spam. Null or
   * missing when it was not asked (off, or no network data for this version) or gave no answer
   * in time: scoring goes on without it.
   */
  akismet?: boolean | null;
}

export type Decision = 'publish' | 'hold' | 'reject' | 'spam';

/** Stable codes: moderators' tools and the author's statement of reasons key on them. */
export type ReasonCode =
  | 'banned-word'
  | 'suspect-word'
  | 'honeypot'
  | 'links'
  | 'too-many-links'
  | 'link-only'
  | 'website-short-body'
  | 'link-in-name'
  | 'commenter-velocity'
  | 'network-velocity'
  | 'repeated-text'
  | 'spam-model'
  | 'akismet-spam'
  | 'spam-score';

export interface Reason {
  code: ReasonCode;
  /** A sentence for the author: what about the reply led to this decision. */
  detail: string;
}

export type FeatureValue = number | boolean | string | null;

export interface Screening {
  decision: Decision;
  /** 0..1, rounded to six decimals. */
  score: number;
  reasons: Reason[];
  /** Every feature and count the verdict used; with the body, name and versions it is enough to score again. */
  features: Record<string, FeatureValue>;
  policyVersion: number;
  modelVersion: number | null;
}

/**
 * How much each signal counts towards the spam score. Signals combine as independent evidence
 * (noisy-or: score = 1 − Π(1 − weight)), so the score stays within 0..1, one strong signal can
 * hold a reply on its own and no pile of weak ones ever reaches certainty. With the default
 * thresholds (hold 0.5, spam 0.85): a link beside a line, or a commenter over the velocity limit,
 * holds a reply; a link-drop posted in a flood of the same text is spam.
 */
const WEIGHTS = {
  /** Each link up to the policy's maximum: news replies cite sources, so a link alone is a small thing. */
  link: 0.1,
  tooManyLinks: 0.6,
  linkOnly: 0.7,
  websiteShortBody: 0.5,
  linkInName: 0.5,
  /** [over the limit, over twice the limit] */
  commenterVelocity: [0.5, 0.75],
  /** Lower than a commenter's: offices, campuses and mobile carriers put many people behind one network. */
  networkVelocity: [0.4, 0.6],
  repeatedText: [0.5, 0.75],
  /** Times how far the model's probability is above 0.5, so 0.99 weighs about 0.88 and 0.5 nothing. */
  model: 0.9,
  /**
   * Akismet's "spam" holds a reply on its own but never makes it spam alone: it knows blog
   * spam, not this site's readers, and a heated political reply is the kind it may mistake.
   * With a link-drop (0.55) or the same text over the limit (0.5) it reaches spam (0.85).
   * Its "not spam" takes nothing away: it vouches for no one.
   */
  akismet: 0.7,
} as const;

/**
 * Screens a submitted or edited reply: word lists, then the spam score, to a decision.
 *
 * - a banned word (in the text or the name) rejects it;
 * - a score at or above the policy's reject threshold makes it spam;
 * - a score at or above the hold threshold, a suspect word, or a filled honeypot holds it;
 * - otherwise it is published (the article's pre-moderation, if any, is the caller's to apply).
 *
 * Pure: the result depends only on the input, the policy and the model's counts, so replaying
 * it with the same three gives the same verdict.
 */
export function screen(input: ScreeningInput, policy: ModerationPolicy, model?: SpamModel): Screening {
  const reasons: Reason[] = [];
  const weights: number[] = [];
  const signal = (weight: number, code: ReasonCode, detail: string) => {
    weights.push(weight);
    reasons.push({ code, detail });
  };

  // Word lists, in the text and in the name shown beside it.
  const inBody = findListedWords(input.body, policy);
  const inName = findListedWords(input.authorName, policy);
  for (const word of inBody.banned) reasons.push({ code: 'banned-word', detail: `The reply uses “${word}”, which this site does not allow.` });
  for (const word of inName.banned) reasons.push({ code: 'banned-word', detail: `The name uses “${word}”, which this site does not allow.` });
  for (const word of inBody.suspect) reasons.push({ code: 'suspect-word', detail: `The reply uses “${word}”, so a moderator will read it first.` });
  for (const word of inName.suspect) reasons.push({ code: 'suspect-word', detail: `The name uses “${word}”, so a moderator will read it first.` });

  // The honeypot holds quietly: the author is told only that a moderator will look, so a bot
  // learns nothing about which field gave it away.
  const honeypot = input.honeypot === true;
  if (honeypot) reasons.push({ code: 'honeypot', detail: 'A moderator will review this reply before it appears.' });

  // Links.
  const links = linkFeatures(input.body);
  const nameLinks = linkFeatures(input.authorName).links;
  if (links.links > policy.links.max) {
    signal(WEIGHTS.tooManyLinks, 'too-many-links', `The reply has ${links.links} links; at most ${policy.links.max} are allowed without review.`);
  } else if (links.links > 0) {
    for (let i = 0; i < links.links; i++) weights.push(WEIGHTS.link);
    reasons.push({ code: 'links', detail: links.links === 1 ? 'The reply has a link.' : `The reply has ${links.links} links.` });
  }
  if (links.linkOnly) signal(WEIGHTS.linkOnly, 'link-only', 'The reply is only a link.');
  if (links.websiteShortBody) signal(WEIGHTS.websiteShortBody, 'website-short-body', 'The reply is a link with only a few words.');
  if (nameLinks > 0) signal(WEIGHTS.linkInName, 'link-in-name', 'The name holds a web address.');

  // Velocity and repetition, from counts the caller took; a missing count adds nothing.
  const commenterPerMinute = count(input.counts.commenterPerMinute);
  const networkPerMinute = count(input.counts.networkPerMinute);
  const sameText = count(input.counts.sameText);
  const over = (n: number | null, limit: number, [once, twice]: readonly [number, number], code: ReasonCode, detail: string) => {
    if (n !== null && n > limit) signal(n > 2 * limit ? twice : once, code, detail);
  };
  over(commenterPerMinute, policy.velocity.perCommenterPerMinute, WEIGHTS.commenterVelocity, 'commenter-velocity', `More than ${policy.velocity.perCommenterPerMinute} replies in a minute from this commenter.`);
  over(networkPerMinute, policy.velocity.perNetworkPerMinute, WEIGHTS.networkVelocity, 'network-velocity', `More than ${policy.velocity.perNetworkPerMinute} replies in a minute from this network.`);
  over(sameText, policy.repetition.maxSameText, WEIGHTS.repeatedText, 'repeated-text', `The same text was posted more than ${policy.repetition.maxSameText} times recently.`);

  // The learned model.
  const modelProbability = model ? round(model.probability(tokenize(input.body))) : null;
  if (modelProbability !== null && modelProbability > 0.5) {
    signal(WEIGHTS.model * (modelProbability - 0.5) * 2, 'spam-model', 'The reply resembles replies that moderators marked as spam.');
  }

  // Akismet, when it was asked and answered.
  const akismet = typeof input.akismet === 'boolean' ? input.akismet : null;
  if (akismet === true) signal(WEIGHTS.akismet, 'akismet-spam', 'An outside spam checker took this reply for spam.');

  const score = round(1 - weights.reduce((keep, w) => keep * (1 - w), 1));
  const { hold, reject } = policy.thresholds;
  if (score >= hold) {
    reasons.push({ code: 'spam-score', detail: `Spam score ${score.toFixed(2)} is at or above the ${score >= reject ? 'spam' : 'review'} threshold of ${(score >= reject ? reject : hold).toFixed(2)}.` });
  }

  const banned = inBody.banned.length + inName.banned.length > 0;
  const suspect = inBody.suspect.length + inName.suspect.length > 0;
  const decision: Decision = banned ? 'reject' : score >= reject ? 'spam' : score >= hold || suspect || honeypot ? 'hold' : 'publish';

  const features: Record<string, FeatureValue> = {
    rules: SCORING_RULES,
    bannedWords: list(inBody.banned),
    suspectWords: list(inBody.suspect),
    nameBannedWords: list(inName.banned),
    nameSuspectWords: list(inName.suspect),
    honeypot,
    links: links.links,
    words: links.words,
    linkOnly: links.linkOnly,
    websiteShortBody: links.websiteShortBody,
    nameLinks,
    commenterPerMinute,
    networkPerMinute,
    sameText,
    countsMissing: commenterPerMinute === null || networkPerMinute === null || sameText === null,
    modelProbability,
    akismet,
  };
  return { decision, score, reasons, features, policyVersion: policy.version, modelVersion: model ? model.version : null };
}

/**
 * The input a verdict was scored from, for a replay: the stored body and name (decrypted) and
 * the counts, honeypot and Akismet answer its features recorded (a verdict from before Akismet
 * has none: null, as then). `screen(replayInput(…), policy at
 * policyVersion, model at modelVersion)` gives the verdict again.
 */
export function replayInput(body: string, authorName: string, features: Record<string, FeatureValue>): ScreeningInput {
  const n = (v: FeatureValue | undefined) => (typeof v === 'number' ? v : null);
  return {
    body,
    authorName,
    honeypot: features.honeypot === true,
    counts: { commenterPerMinute: n(features.commenterPerMinute), networkPerMinute: n(features.networkPerMinute), sameText: n(features.sameText) },
    akismet: typeof features.akismet === 'boolean' ? features.akismet : null,
  };
}

/**
 * The spam model as a verdict saw it: a model that answers every text with the probability the
 * verdict recorded, under the model version it named. A replay under another policy then keeps
 * what the model said at the time (the counts it had are not kept), so only the policy differs.
 * Undefined when no model ran (the verdict recorded no probability).
 */
export function replayModel(features: Record<string, FeatureValue>, modelVersion: number | null): SpamModel | undefined {
  const recorded = features.modelProbability;
  if (typeof recorded !== 'number' || !Number.isFinite(recorded) || modelVersion === null) return undefined;
  return new RecordedModel(recorded, modelVersion);
}

class RecordedModel extends SpamModel {
  constructor(
    private readonly recorded: number,
    version: number,
  ) {
    super({ spam: 0, ham: 0, tokens: new Map() }, version);
  }

  override probability(): number {
    return this.recorded;
  }
}

/** A count the caller passed, or null when there is none to trust (missing, negative, not a number). */
const count = (n: number | null | undefined): number | null => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null);

/** Six decimals: stored scores read cleanly (0.8875, not 0.8874999999999999) and compare the same after a round trip through JSON. */
const round = (x: number): number => Math.round(x * 1e6) / 1e6;

/** A list as one feature value (features are flat): JSON, so entries holding commas stay apart. */
const list = (entries: string[]): string => JSON.stringify(entries);
