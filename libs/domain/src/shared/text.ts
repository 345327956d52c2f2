import { InvalidCommandError } from './domain-errors';

/**
 * Something a reader can see: a letter, digit, punctuation mark or symbol. Hangul fillers
 * and the blank braille pattern are letters and symbols that render as nothing, a known way
 * to post "empty" text, so they do not count.
 */
const VISIBLE = /(?![\u115f\u1160\u3164\uffa0\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;

/** C0 controls but tab, line feed and carriage return; DEL; C1 controls. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** Single-line text (names, titles) takes no tab or line break either. */
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const hasVisibleText = (text: string): boolean => VISIBLE.test(text);

export const hasControlCharacters = (text: string, opts: { singleLine?: boolean } = {}): boolean =>
  (opts.singleLine ? CONTROL_OR_BREAK : CONTROL).test(text);

/**
 * Text a person typed, trimmed: something visible, no control characters (one line unless
 * `multiline`), at most `max` characters. Throws InvalidCommandError naming `field`.
 */
export function checkText(raw: string | undefined, rule: { field: string; what: string; max: number; multiline?: boolean }): string {
  const text = (raw ?? '').trim();
  if (!hasVisibleText(text)) throw new InvalidCommandError(`${rule.what} needs some text`, rule.field);
  if (hasControlCharacters(text, { singleLine: !rule.multiline })) throw new InvalidCommandError(`${rule.what} may not contain control characters`, rule.field);
  if ([...text].length > rule.max) throw new InvalidCommandError(`${rule.what} is at most ${rule.max} characters`, rule.field);
  return text;
}
