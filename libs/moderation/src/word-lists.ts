import {
  collapseDuplicatesTransformer,
  DataSet,
  englishDataset,
  englishRecommendedTransformers,
  parseRawPattern,
  RegExpMatcher,
  resolveConfusablesTransformer,
  resolveLeetSpeakTransformer,
  toAsciiLowerCaseTransformer,
  type BlacklistedTerm,
  type EnglishProfaneWord,
} from 'obscenity';
import { foldText } from './fold';
import type { ModerationPolicy } from './policy';

/** The policy's list entries found in a text: the entries as the policy spells them, in list order. */
export interface ListedWords {
  banned: string[];
  suspect: string[];
}

/**
 * Finds the banned and suspect words of `policy` in `text`, through the usual disguises:
 * leet-speak ("1d10t", "a$$"), letters spaced out ("i d i o t", "i.d.i.o.t"), repeated letters
 * ("idiooooot"), look-alike letters from other scripts (Cyrillic "іdіоt"), full-width and
 * mathematical letters ("ｉｄｉｏｔ", "𝐢𝐝𝐢𝐨𝐭"), accents and invisible characters.
 *
 * Entries match whole words, so "class" and "assess" do not match an entry "ass"; see
 * `entryPattern` for the exact rule. Pure: the same text and lists always give the same answer.
 */
export function findListedWords(text: string, policy: ModerationPolicy): ListedWords {
  return matcherFor(policy).find(text);
}

type ListName = keyof ListedWords;

/**
 * The character transformations both sides go through, in obscenity's recommended order:
 * look-alikes to Latin letters, leet-speak to letters, ASCII lower case. Repeated letters are
 * collapsed after these (see `collapse`).
 */
const CHARACTER_MAPS = [resolveConfusablesTransformer(), resolveLeetSpeakTransformer(), toAsciiLowerCaseTransformer()];

/**
 * Runs of one character are cut to two, not one: obscenity's default (one) turns "ass" into
 * "as" and "boob" into "bob", so a list entry with a double letter could only be matched by
 * also matching the innocent word. With two, each entry's pattern instead allows every single
 * letter to appear doubled (`entryPattern`), and "idiooooot" → "idioot" still matches "idiot".
 */
const collapse = () => collapseDuplicatesTransformer({ defaultThreshold: 2 });

/**
 * English-dataset words whose variant patterns we checked against news vocabulary; an entry
 * spelling one of these also gets obscenity's variants for it ("nigga", "niggaz" for the
 * first). The dataset's other words keep only our whole-word pattern, because their variants
 * match inside ordinary words: `|fuk` for "fuck" finds "Fukushima", "retard" finds "fire
 * retardant", "chink" finds "a chink in the armour", "dyke" finds a flood dyke.
 */
const CHECKED_DATASET_WORDS: ReadonlySet<EnglishProfaneWord> = new Set<EnglishProfaneWord>(['nigger', 'kike', 'tranny', 'cunt', 'bitch', 'whore', 'slut']);

/**
 * The form an entry or a text is compared in: folded (fold.ts), then mapped character by
 * character exactly as obscenity maps the text it reads. Applying the same maps to the entries
 * means an entry always matches its own spelling, whatever letters or digits it uses.
 */
export function normaliseEntry(entry: string): string {
  // Runs of three or more become two, as the text's runs will (see `collapse`).
  return mapCharacters(foldText(entry)).replace(/\s+/gu, ' ').replace(/(.)\1{2,}/gsu, '$1$1');
}

/** A text through CHARACTER_MAPS, code point by code point, as obscenity's matcher maps it. */
function mapCharacters(text: string): string {
  let out = '';
  for (const ch of text) {
    let code: number | undefined = ch.codePointAt(0)!;
    for (const map of CHARACTER_MAPS) code = code === undefined ? undefined : map.transform(code);
    if (code !== undefined) out += String.fromCodePoint(code);
  }
  return out;
}

/** Characters with a meaning in obscenity's pattern syntax. */
const PATTERN_SYNTAX = new Set(['[', ']', '?', '|', '\\']);
/** obscenity's word boundary `|` is a regular-expression `\b`, which only knows ASCII letters and digits. */
const ASCII_WORD = /^[a-z0-9]$/;

/**
 * An entry as an obscenity pattern:
 * - whole word: a word boundary at each end (`|idiot|`), unless the entry has a `*` there, or
 *   the entry begins or ends in a letter outside ASCII, where obscenity cannot tell a word
 *   boundary (those entries then match inside longer words on that side);
 * - each single character may appear doubled (`i[i]d[d]…`), to meet text whose runs were cut to
 *   two, while letters the entry doubles itself stay required ("ass" never matches "as"); the
 *   space between the words of a phrase too, so "jerk    off" (cut to two spaces) matches;
 * - a plural: an entry ending in a letter also matches with -s or -es ("idiots").
 */
export function entryPattern(entry: string): string {
  const open = entry.startsWith('*');
  const close = entry.length > 1 && entry.endsWith('*');
  const chars = [...normaliseEntry(entry.slice(open ? 1 : 0, close ? -1 : undefined).trim())];
  let body = '';
  chars.forEach((ch, i) => {
    if (PATTERN_SYNTAX.has(ch)) {
      body += `\\${ch}`;
      return;
    }
    const alone = chars[i - 1] !== ch && chars[i + 1] !== ch;
    body += alone ? `${ch}[${ch}]` : ch;
  });
  const last = chars[chars.length - 1];
  if (!close && /^[a-z]$/.test(last)) body += '[e][s]';
  const start = !open && ASCII_WORD.test(chars[0]) ? '|' : '';
  const end = !close && ASCII_WORD.test(last) ? '|' : '';
  return `${start}${body}${end}`;
}

/** Between two letters of a spaced-out word: one space, or a little punctuation ("i d i o t", "i.d.i.o.t", "i - d - i"). */
const SEPARATOR = String.raw`(?:[ \u00a0]?[.\-_*·•~+]{1,3}[ \u00a0]?|[ \u00a0])`;
const UNIT = String.raw`[^\s.\-_*·•~+]`;
/**
 * Three or more single characters, each on its own between separators. Two spaces end a run,
 * so "y o u  i d i o t" gives the runs "you" and "idiot". obscenity's own
 * skipNonAlphabeticTransformer would remove every space from the whole text, and with the
 * spaces the word boundaries go ("the glass" would read "theglass" and hold "ass"), which is
 * why its docs leave it out of the recommended set; joining only spaced-out runs keeps them.
 */
const SPACED_RUN = new RegExp(`(?<!${UNIT})${UNIT}(?:${SEPARATOR}${UNIT}(?!${UNIT})){2,}`, 'gu');
const SEPARATORS = /[\s.\-_*·•~+]/gu;

/**
 * The texts the matchers read, one disguise undone in each:
 * - the folded text as written, where leet-speak is resolved ("a$$", "!d!ot");
 * - its words alone, punctuation replaced by spaces and digits trimmed from word ends, because
 *   leet-speak also reads ordinary punctuation and numbers as letters: "idiot!" would read
 *   "idioti" and "(ass)" "cass", and neither is the whole word;
 * - the spaced-out runs in either, each joined up.
 */
function readingsOf(text: string): string[] {
  const folded = foldText(text);
  const words = folded
    // A gap of two spaces or a line break stays wider than one, so it still ends a spaced-out run.
    .replace(/[^\p{L}\p{N}]+/gu, (gap) => (/\s\s|\n/.test(gap) ? '  ' : ' '))
    .replace(/(?<![\p{L}\p{N}])\p{N}+(?=\p{L})|(?<=\p{L})\p{N}+(?![\p{L}\p{N}])/gu, '')
    .trim();
  // All runs of a reading go in one text, a space apart, so a reply of many short runs is
  // still read a bounded number of times.
  const runs = (reading: string) => [...reading.matchAll(SPACED_RUN)].map((run) => run[0].replace(SEPARATORS, '')).join(' ');
  return [...new Set([folded, words, runs(folded), runs(words)].filter(Boolean))];
}

interface Entry {
  list: ListName;
  index: number;
  /** Its pattern, with `id` its place in WordMatcher.entries. */
  term: BlacklistedTerm;
  /** Three-letter pieces the text must hold for the entry to have a chance (see `find`). */
  pieces: string[];
}

class WordMatcher {
  private readonly lists: ModerationPolicy['words'];
  private readonly entries: Entry[] = [];
  /** obscenity's curated variants, for entries in CHECKED_DATASET_WORDS; null when none are listed. */
  private readonly variants: { dataset: DataSet<{ originalWord: EnglishProfaneWord }>; matcher: RegExpMatcher; entries: Map<string, Entry[]> } | null;

  constructor(lists: ModerationPolicy['words']) {
    this.lists = lists;
    const datasetEntries = new Map<string, Entry[]>();
    for (const list of ['banned', 'suspect'] as const) {
      lists[list].forEach((text, index) => {
        const source = entryPattern(text);
        if (source.replaceAll('|', '') === '') return; // nothing to match; checkPolicy refuses such entries
        const core = collapseRuns(normaliseEntry(text.replace(/^\*|\*$/g, '').trim()));
        const entry: Entry = { list, index, term: { id: this.entries.length, pattern: parseRawPattern(source) }, pieces: piecesOf(core) };
        this.entries.push(entry);
        const word = text.toLowerCase() as EnglishProfaneWord;
        if (CHECKED_DATASET_WORDS.has(word)) datasetEntries.set(word, [...(datasetEntries.get(word) ?? []), entry]);
      });
    }
    if (datasetEntries.size === 0) {
      this.variants = null;
    } else {
      const dataset = new DataSet<{ originalWord: EnglishProfaneWord }>().addAll(englishDataset).removePhrasesIf((p) => !datasetEntries.has(p.metadata?.originalWord ?? ''));
      this.variants = { dataset, matcher: new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers }), entries: datasetEntries };
    }
  }

  /**
   * obscenity runs one regular expression per entry over the whole text: with 4,000 entries a
   * 5,000-character reply took 150 ms. So entries are first narrowed to those whose letters
   * the text holds: if an entry matches, the text mapped and with every run cut to one letter
   * contains the entry cut the same way, and so each of its three-letter pieces. Only entries
   * passing that test go to an obscenity matcher, built for this text from their patterns.
   */
  find(text: string): ListedWords {
    const found = { banned: new Set<number>(), suspect: new Set<number>() };
    for (const reading of readingsOf(text)) {
      const present = new Set(piecesOf(collapseRuns(mapCharacters(reading)), Infinity));
      const candidates = this.entries.filter((e) => e.pieces.every((p) => present.has(p)));
      if (candidates.length > 0) {
        const matcher = new RegExpMatcher({ blacklistedTerms: candidates.map((e) => e.term), blacklistMatcherTransformers: [...CHARACTER_MAPS, collapse()] });
        for (const match of matcher.getAllMatches(reading)) {
          const entry = this.entries[match.termId];
          found[entry.list].add(entry.index);
        }
      }
      if (this.variants) {
        for (const match of this.variants.matcher.getAllMatches(reading)) {
          const word = this.variants.dataset.getPayloadWithPhraseMetadata(match).phraseMetadata?.originalWord;
          for (const entry of this.variants.entries.get(word ?? '') ?? []) found[entry.list].add(entry.index);
        }
      }
    }
    return {
      banned: this.lists.banned.filter((_, i) => found.banned.has(i)),
      suspect: this.lists.suspect.filter((_, i) => found.suspect.has(i)),
    };
  }
}

/** Every run of one character cut to one, as collapseDuplicatesTransformer with a threshold of one does. */
const collapseRuns = (text: string): string => text.replace(/(.)\1+/gsu, '$1');

/**
 * Three-character pieces of a text: all of them (`limit` Infinity), or for an entry a few spread
 * over it (first, last and two between), which narrow enough. Shorter texts have none, so a
 * two-letter entry is always tried.
 */
function piecesOf(text: string, limit = 4): string[] {
  const last = text.length - 3;
  if (last < 0) return [];
  if (limit === Infinity) return Array.from({ length: last + 1 }, (_, i) => text.slice(i, i + 3));
  return [...new Set([0, Math.floor(last / 3), Math.floor((2 * last) / 3), last].map((i) => text.slice(i, i + 3)))];
}

/**
 * Building matchers for two lists of 2,000 entries takes a while, and every reply is scored
 * under the policy in force, so matchers are kept per policy version. The lists are compared
 * too, so a policy document that reuses a version number (a preview of an edit, a test) never
 * reads with another document's lists. A replay across old versions needs only a few at a time.
 */
const CACHE_SIZE = 8;
const cache = new Map<number, { words: ModerationPolicy['words']; json: string; matcher: WordMatcher }>();

function matcherFor(policy: ModerationPolicy): WordMatcher {
  const hit = cache.get(policy.version);
  // Frozen lists (checkPolicy's) that are the very ones cached cannot have changed: skip the comparison.
  const same = hit && hit.words === policy.words && Object.isFrozen(policy.words.banned) && Object.isFrozen(policy.words.suspect);
  const json = same ? hit.json : JSON.stringify([policy.words.banned, policy.words.suspect]);
  const matcher = hit && hit.json === json ? hit.matcher : new WordMatcher({ banned: [...policy.words.banned], suspect: [...policy.words.suspect] });
  // Re-inserting keeps the most recently used versions; the oldest goes first.
  cache.delete(policy.version);
  cache.set(policy.version, { words: policy.words, json, matcher });
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return matcher;
}
