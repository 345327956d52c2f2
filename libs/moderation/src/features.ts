import { createHash } from 'node:crypto';
import { foldForms, foldText } from './fold';

/**
 * Top-level domains a bare domain ("cheap-pills.com", no http:// or www.) must end in to count as
 * a link. A list rather than "any two letters" because "node.js" and "e.g." are not links; these
 * are the common ones and the ones spam favours. Two-letter domains that are English words
 * (it, in, me, us, to, at, be, so, no) are left out: "the end.It was" is a missing space.
 */
const TLDS = [
  'com', 'net', 'org', 'info', 'biz', 'io', 'co', 'uk', 'eu', 'de', 'fr', 'nl', 'ch', 'es',
  'pl', 'ru', 'su', 'ua', 'cn', 'jp', 'kr', 'br', 'ca', 'au', 'nz', 'za', 'tv', 'cc', 'ws', 'ly', 'gl', 'gg',
  'xyz', 'top', 'site', 'online', 'club', 'shop', 'store', 'live', 'app', 'dev', 'link', 'click', 'win', 'bid', 'loan',
  'vip', 'pro', 'tk', 'ml', 'ga', 'cf', 'gq', 'pw', 'buzz', 'icu', 'work', 'fun', 'space', 'website', 'news',
];

/** http(s) and www. links run to the next space or quote. */
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/giu;
/**
 * A bare domain with an optional path; not the domain part of an email address. The domain
 * ending is captured: one written with a capital ("news.Shop") is a sentence missing its space.
 */
const BARE_DOMAIN = new RegExp(String.raw`(?<![\p{L}\p{N}@.\-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(${TLDS.join('|')})(?![\p{L}\p{N}\-])(?:[/?#][^\s<>"'\x60]*)?`, 'giu');
/** Dots written as "[.]", "(.)", "[dot]" or "(dot)", a common way to keep a link from being linked. */
const HIDDEN_DOT = /\s*[[({]\s*(?:\.|dot)\s*[\])}]\s*/giu;
/** A word: letters (with inner apostrophes or hyphens) or a number. */
const WORD = /[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*/gu;

/** Fewer words than this beside a link is "a website and a line", the classic link-drop. */
export const SHORT_BODY_WORDS = 8;
/** Texts shorter than this (in words, once folded) are too common to call repetition: "Thank you!", "Well said." */
export const FINGERPRINT_MIN_WORDS = 5;

/** What the link heuristics see in a text. */
export interface LinkFeatures {
  /** Links of any form: http(s)://…, www.…, or a bare domain such as example.com. */
  links: number;
  /** Words outside the links. */
  words: number;
  /** At least one link and nothing else a reader could read. */
  linkOnly: boolean;
  /** At least one link and fewer than SHORT_BODY_WORDS words besides. */
  websiteShortBody: boolean;
}

/**
 * Counts links and the words around them. Text is folded first, so full-width "ｗｗｗ．" and
 * invisible characters inside a domain do not hide it.
 */
export function linkFeatures(text: string): LinkFeatures {
  let links = 0;
  const rest = foldForms(text)
    .replace(HIDDEN_DOT, '.')
    .replace(URL, () => {
      links += 1;
      return ' ';
    })
    .replace(BARE_DOMAIN, (domain: string, tld: string) => {
      if (/^\p{Lu}\p{Ll}/u.test(tld)) return domain;
      links += 1;
      return ' ';
    });
  const words = rest.match(WORD)?.length ?? 0;
  return { links, words, linkOnly: links > 0 && words === 0, websiteShortBody: links > 0 && words > 0 && words < SHORT_BODY_WORDS };
}

/**
 * A fingerprint of the text for counting the same text posted again (across articles, by anyone):
 * folded, lower case, link schemes ("https://", "www."), digits, punctuation and symbols removed,
 * spaces collapsed, then SHA-256. So "Great deals at http://cheap.example.com !!!" and "GREAT deals
 * at https://www.cheap.example.com/2" share one. Null for texts too short to tell a campaign from people agreeing ("Well said!").
 *
 * The fingerprint is for the short-lived counters in Redis only; verdicts record the count, never
 * the fingerprint, which would outlive the text's erasure and could confirm a guess of it.
 */
export function textFingerprint(text: string): string | null {
  const letters = foldText(text)
    .replace(/\b(?:https?:\/\/|www\.)/gu, ' ')
    .replace(/[^\p{L}\s]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  if (letters.split(' ').length < FINGERPRINT_MIN_WORDS) return null;
  return createHash('sha256').update(letters, 'utf8').digest('hex');
}
