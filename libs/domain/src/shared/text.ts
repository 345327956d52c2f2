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
