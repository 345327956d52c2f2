/**
 * Folding text the way a reader sees it, before anything is matched or counted. Every rule that
 * compares text (word lists, links, repeated text, the spam model) folds it the same way, so one
 * spelling trick cannot slip past one rule and not another.
 *
 * - lower case first: some capitals lower to a letter plus a combining mark (İ → i̇), which the
 *   next step then removes;
 * - then `foldForms`.
 *
 * Confusable letters from other scripts (Cyrillic "о" for Latin "o") are left to obscenity's
 * confusables table in word-lists.ts, which knows them; folding only removes what renders as
 * nothing or as the same letter.
 */
export function foldText(text: string): string {
  return foldForms(text.toLowerCase());
}

/**
 * Folding that keeps case, for rules that read capitals (a sentence start is not a domain):
 * - compatibility decomposition (NFKD) turns full-width and mathematical letters (ｉ, 𝐢), ligatures
 *   and circled digits into plain ones, and splits accents off their letters;
 * - combining marks are dropped (é → e; "Zalgo" text stacked with marks becomes plain);
 * - format characters are dropped: zero-width spaces and joiners, soft hyphens and bidi marks
 *   render as nothing, so "id\u200biot" reads as "idiot";
 * - NFKC puts back together what the marks did not belong to.
 */
export function foldForms(text: string): string {
  return text.normalize('NFKD').replace(/[\p{M}\p{Cf}]/gu, '').normalize('NFKC');
}
