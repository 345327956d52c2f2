import { devSubject } from '../../commands/dev-sign-in/dev-sign-in.controller';
import { consolePage } from './console-page.html';

describe('the moderator console page', () => {
  it('loads the console from its own files, with no inline script or style', () => {
    const html = consolePage({ devSignIn: false });
    expect(html).toContain('<script src="/console.js" defer></script>');
    expect(html).toContain('<link rel="stylesheet" href="/console.css">');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/style=|<style/);
  });

  it('tells the console whether the development sign-in is on, and only then', () => {
    expect(consolePage({ devSignIn: false })).toContain('data-dev-sign-in="false"');
    expect(consolePage({ devSignIn: true })).toContain('data-dev-sign-in="true"');
  });
});

describe('the development sign-in subject', () => {
  it('is the name folded to a dev- slug, so the same name is the same moderator in the log', () => {
    expect(devSubject('Mo Derator')).toBe('dev-mo-derator');
    expect(devSubject('  Ana  ')).toBe('dev-ana');
    expect(devSubject('Ｍｏ')).toBe('dev-mo');
    expect(devSubject('Zoë')).toBe('dev-zoë');
    expect(devSubject("O'Neil")).toBe('dev-o-neil');
    // An accent typed as a combining mark is the same name as the precomposed letter; however
    // long the name grows in NFKC, the subject stays short.
    expect(devSubject('Ze\u0301non')).toBe('dev-z\u00e9non');
    expect(devSubject('Ze\u0301non')).toBe(devSubject('Z\u00e9non'));
    expect(devSubject('\ufdfa'.repeat(10)).length).toBeLessThanOrEqual(64);
  });

  it('never equals a subject without the dev- prefix', () => {
    for (const name of ['admin', 'mo', '...', '-']) expect(devSubject(name).startsWith('dev-')).toBe(true);
    expect(devSubject('...')).toBe('dev-user');
  });
});
