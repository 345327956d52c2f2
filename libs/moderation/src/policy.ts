/**
 * The moderation policy: word lists, score thresholds and limits. A policy is a document that
 * admins edit and that lives in its own event stream, so every verdict names the version it was
 * scored under and a replay can score it again under exactly that policy.
 */
export interface ModerationPolicy {
  /** Position of this policy in its stream; 0 is the built-in default. */
  readonly version: number;
  readonly words: {
    /**
     * A reply using one of these is rejected. An entry is a word or phrase matched as a whole
     * word (plurals in -s/-es included); a `*` at its start or end lets other letters precede or
     * follow it there (`*fuck*` also finds "motherfucker").
     */
    readonly banned: readonly string[];
    /** A reply using one of these is held for a moderator. Same form as `banned`. */
    readonly suspect: readonly string[];
  };
  /** Spam scores run from 0 to 1: at or above `reject` a reply is spam, at or above `hold` it is held. */
  readonly thresholds: { readonly hold: number; readonly reject: number };
  /** More links than this in one reply counts against it. */
  readonly links: { readonly max: number };
  /** Replies per minute above which a commenter, or a network, is flooding. */
  readonly velocity: { readonly perCommenterPerMinute: number; readonly perNetworkPerMinute: number };
  /** The same text (after folding) posted more often than this within the counting window is repetition. */
  readonly repetition: { readonly maxSameText: number };
  /** Reader flags at which a reply enters the reported queue, and whether it is hidden meanwhile. */
  readonly flags: { readonly threshold: number; readonly hideAtThreshold: boolean };
  /** Post-moderation publishes and reviews on flags; pre-moderation holds every reply. Articles may override. */
  readonly defaultMode: 'pre' | 'post';
}

/** A policy document that is not acceptable; `field` names the offending field, e.g. `words.banned[3]`. */
export class PolicyError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** Bounds that keep matching cost and document size predictable whatever an admin pastes in. */
export const POLICY_LIMITS = {
  wordsPerList: 2000,
  wordLength: 64,
  links: 1000,
  perMinute: 100_000,
  sameText: 100_000,
  flags: 100_000,
} as const;

/**
 * The built-in policy (version 0). The banned slurs are words obscenity's English dataset knows:
 * word-lists.ts adds that dataset's variant spellings for them ("nigga" for the first). Profanity
 * is banned outright; milder insults only hold a reply, because "a stupid policy" is fair comment
 * on a news site and a moderator should judge it.
 */
export const DEFAULT_POLICY: ModerationPolicy = deepFreeze({
  version: 0,
  words: {
    banned: ['nigger', 'kike', 'tranny', 'cunt', '*fuck*'],
    suspect: ['idiot', 'moron', 'stupid', 'imbecile', 'retarded', 'scumbag'],
  },
  thresholds: { hold: 0.5, reject: 0.85 },
  links: { max: 2 },
  velocity: { perCommenterPerMinute: 5, perNetworkPerMinute: 20 },
  repetition: { maxSameText: 3 },
  flags: { threshold: 3, hideAtThreshold: false },
  defaultMode: 'post',
});

type Doc = Record<string, unknown>;

/**
 * Validates a policy document (parsed JSON from an admin or from an event) and returns a frozen
 * copy holding only the known fields. Throws `PolicyError` naming the first offending field.
 * Unknown fields are refused rather than ignored: a misspelt "treshold" would otherwise be
 * dropped silently and the admin would believe it in force.
 */
export function checkPolicy(input: unknown): ModerationPolicy {
  const doc = object(input, 'policy');
  exactly(doc, 'policy', ['version', 'words', 'thresholds', 'links', 'velocity', 'repetition', 'flags', 'defaultMode']);

  const words = object(doc.words, 'words');
  exactly(words, 'words', ['banned', 'suspect']);
  const banned = wordList(words.banned, 'words.banned');
  const suspect = wordList(words.suspect, 'words.suspect');
  const bannedKeys = new Set(banned.map(entryKey));
  suspect.forEach((w, i) => {
    if (bannedKeys.has(entryKey(w))) throw new PolicyError(`words.suspect[${i}] "${w}" is also banned; keep it in one list`, `words.suspect[${i}]`);
  });

  const thresholds = object(doc.thresholds, 'thresholds');
  exactly(thresholds, 'thresholds', ['hold', 'reject']);
  const hold = fraction(thresholds.hold, 'thresholds.hold');
  const reject = fraction(thresholds.reject, 'thresholds.reject');
  if (hold >= reject) throw new PolicyError('thresholds.hold must be below thresholds.reject', 'thresholds.hold');

  const links = object(doc.links, 'links');
  exactly(links, 'links', ['max']);
  const velocity = object(doc.velocity, 'velocity');
  exactly(velocity, 'velocity', ['perCommenterPerMinute', 'perNetworkPerMinute']);
  const repetition = object(doc.repetition, 'repetition');
  exactly(repetition, 'repetition', ['maxSameText']);
  const flags = object(doc.flags, 'flags');
  exactly(flags, 'flags', ['threshold', 'hideAtThreshold']);
  if (typeof flags.hideAtThreshold !== 'boolean') throw new PolicyError('flags.hideAtThreshold must be true or false', 'flags.hideAtThreshold');
  if (doc.defaultMode !== 'pre' && doc.defaultMode !== 'post') throw new PolicyError('defaultMode must be "pre" or "post"', 'defaultMode');

  return deepFreeze({
    version: integer(doc.version, 'version', 0, Number.MAX_SAFE_INTEGER),
    words: { banned, suspect },
    thresholds: { hold, reject },
    links: { max: integer(links.max, 'links.max', 0, POLICY_LIMITS.links) },
    velocity: {
      perCommenterPerMinute: integer(velocity.perCommenterPerMinute, 'velocity.perCommenterPerMinute', 1, POLICY_LIMITS.perMinute),
      perNetworkPerMinute: integer(velocity.perNetworkPerMinute, 'velocity.perNetworkPerMinute', 1, POLICY_LIMITS.perMinute),
    },
    repetition: { maxSameText: integer(repetition.maxSameText, 'repetition.maxSameText', 1, POLICY_LIMITS.sameText) },
    flags: { threshold: integer(flags.threshold, 'flags.threshold', 1, POLICY_LIMITS.flags), hideAtThreshold: flags.hideAtThreshold },
    defaultMode: doc.defaultMode,
  });
}

/** Entries compare without regard to case or surrounding space: "Idiot" and "idiot " are one entry. */
const entryKey = (entry: string): string => entry.trim().toLowerCase();

function object(value: unknown, field: string): Doc {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PolicyError(`${field} must be an object`, field);
  return value as Doc;
}

/** The document has these fields and no others. */
function exactly(doc: Doc, field: string, known: string[]): void {
  const path = (key: string) => (field === 'policy' ? key : `${field}.${key}`);
  for (const key of Object.keys(doc)) {
    if (!known.includes(key)) throw new PolicyError(`${field} has an unknown field "${key}"`, path(key));
  }
  for (const key of known) {
    if (!Object.hasOwn(doc, key) || doc[key] === undefined) throw new PolicyError(`${path(key)} is required`, path(key));
  }
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new PolicyError(`${field} must be a whole number`, field);
  if (value < min || value > max) throw new PolicyError(`${field} must be between ${min} and ${max}`, field);
  return value;
}

/** A threshold above 0 (0 would hold or reject everything; pre-moderation is the way to hold all) and at most 1. */
function fraction(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new PolicyError(`${field} must be a number`, field);
  if (value <= 0 || value > 1) throw new PolicyError(`${field} must be above 0 and at most 1`, field);
  return value;
}

/** C0 and C1 controls and DEL, line and paragraph separators: an entry is one line of visible text. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function wordList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new PolicyError(`${field} must be a list of words`, field);
  if (value.length > POLICY_LIMITS.wordsPerList) throw new PolicyError(`${field} holds at most ${POLICY_LIMITS.wordsPerList} words`, field);
  const seen = new Map<string, number>();
  return value.map((raw: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof raw !== 'string') throw new PolicyError(`${at} must be text`, at);
    const entry = raw.trim().replace(/\s+/g, ' ');
    if ([...entry].length > POLICY_LIMITS.wordLength) throw new PolicyError(`${at} is longer than ${POLICY_LIMITS.wordLength} characters`, at);
    if (CONTROL.test(raw.trim())) throw new PolicyError(`${at} may not contain control characters or line breaks`, at);
    // `*` means "any letters here", so it only makes sense at an edge, and the rest must be
    // something a reader could type: at least one letter or digit.
    const core = entry.replace(/^\*/, '').replace(/\*$/, '');
    if (core.includes('*')) throw new PolicyError(`${at} may use * only at its start or end`, at);
    if (!/[\p{L}\p{N}]/u.test(core)) throw new PolicyError(`${at} needs a letter or digit`, at);
    if (core !== core.trim()) throw new PolicyError(`${at} may not have a space next to *`, at);
    const key = entryKey(entry);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new PolicyError(`${at} repeats ${field}[${earlier}]`, at);
    seen.set(key, i);
    return entry;
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
