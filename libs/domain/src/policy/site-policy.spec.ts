import { DEFAULT_POLICY } from '@app/moderation';
import { InvalidCommandError } from '../shared/domain-errors';
import { SitePolicy } from './site-policy';

const t0 = new Date('2026-11-28T10:00:00Z');
const rulesOf = ({ version: _, ...rules }: typeof DEFAULT_POLICY) => JSON.parse(JSON.stringify(rules)) as Record<string, unknown>;

describe('SitePolicy', () => {
  it('starts at version 0 with the starting policy, and each change is the next version', () => {
    const site = new SitePolicy('default', DEFAULT_POLICY);
    expect(site.policy).toBe(DEFAULT_POLICY);
    site.change({ ...rulesOf(DEFAULT_POLICY), flags: { threshold: 5, hideAtThreshold: false } }, ' more patience ', t0);
    const [event] = site.pullEvents();
    expect(event).toMatchObject({ type: 'policy.changed', data: { site: 'default', reason: 'more patience', changedAt: t0.toISOString(), policy: { version: 1, flags: { threshold: 5 } } } });

    const replayed = new SitePolicy('default', DEFAULT_POLICY).rehydrate([event]);
    expect(replayed.policy).toEqual(event.data.policy);
    replayed.change({ ...rulesOf(DEFAULT_POLICY), defaultMode: 'pre' }, null, t0);
    expect(replayed.pullEvents()[0].data.policy).toMatchObject({ version: 2, defaultMode: 'pre', flags: { threshold: 3 } });
  });

  it('records nothing when the rules are those in force', () => {
    const site = new SitePolicy('default', DEFAULT_POLICY);
    site.change(rulesOf(DEFAULT_POLICY), 'no change', t0);
    expect(site.pullEvents()).toEqual([]);
  });

  it('a deployment policy with another version still starts as version 0', () => {
    const site = new SitePolicy('default', { ...DEFAULT_POLICY, version: 7 });
    expect(site.policy.version).toBe(0);
  });

  it('refuses a policy that breaks its rules, naming the field, and records nothing', () => {
    const site = new SitePolicy('default', DEFAULT_POLICY);
    const attempts: [Record<string, unknown>, string][] = [
      [{ ...rulesOf(DEFAULT_POLICY), thresholds: { hold: 0.9, reject: 0.5 } }, 'policy.thresholds.hold'],
      [{ ...rulesOf(DEFAULT_POLICY), words: { banned: ['idiot'], suspect: ['Idiot'] } }, 'policy.words.suspect[0]'],
      [{ ...rulesOf(DEFAULT_POLICY), surprise: true }, 'policy.surprise'],
      [{ ...rulesOf(DEFAULT_POLICY), words: { banned: ['a*b'], suspect: [] } }, 'policy.words.banned[0]'],
    ];
    for (const [input, field] of attempts) {
      const error = (() => {
        try {
          site.change(input, null, t0);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InvalidCommandError);
      expect((error as InvalidCommandError).field).toBe(field);
    }
    expect(() => site.change({ ...rulesOf(DEFAULT_POLICY), defaultMode: 'pre' }, '\u200b', t0)).toThrow(/reason/);
    expect(site.pullEvents()).toEqual([]);
  });
});
