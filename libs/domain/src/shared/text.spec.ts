import { Reply } from '../reply/reply';
import { hasControlCharacters, hasVisibleText } from './text';

describe('visible text', () => {
  it.each(['a', 'Zoë', '1', '…', '👍', 'مرحبا', '日本', '❤️', '#'])('%j shows something', (t) => {
    expect(hasVisibleText(t)).toBe(true);
  });

  it.each(['', ' \n\t', '\u200b\u200c\u200d', '\u2060', '\ufeff', '\u202a\u202e', '\u2066\u2069', '\u200e\u200f', '\u00ad', '\u3164', '\u2800', '\u115f\u1160', '\u0000', '\u0301'])(
    '%j shows nothing',
    (t) => expect(hasVisibleText(t)).toBe(false),
  );
});

describe('control characters', () => {
  it('tab and line breaks are fine in multi-line text, not in a single line', () => {
    expect(hasControlCharacters('a\tb\nc\r\nd')).toBe(false);
    expect(hasControlCharacters('a\tb', { singleLine: true })).toBe(true);
    expect(hasControlCharacters('a\nb', { singleLine: true })).toBe(true);
    expect(hasControlCharacters('a\u2028b', { singleLine: true })).toBe(true);
  });

  it.each(['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f'])('%j is refused everywhere', (c) => {
    expect(hasControlCharacters(`a${c}b`)).toBe(true);
    expect(hasControlCharacters(`a${c}b`, { singleLine: true })).toBe(true);
  });
});

describe('Reply.checkBody', () => {
  it('refuses invisible-only text and control characters, keeps the rest trimmed', () => {
    expect(() => Reply.checkBody('\u200b \u2060')).toThrow(/needs some text/);
    expect(() => Reply.checkBody('hi\u0000there')).toThrow(/control characters/);
    expect(Reply.checkBody('  line one\nline two\t  ')).toBe('line one\nline two');
  });
});
