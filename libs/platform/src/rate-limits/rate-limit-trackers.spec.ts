import { GuestIdentity } from '../auth/guest-identity';
import { CommenterDirectory } from '../commenters/commenter-directory';
import { loadConfig } from '../config/app-config';
import { RateLimitTrackers } from './rate-limit-trackers';

// identityOf is pure (a keyed hash); the directory's stores are not touched here.
const config = loadConfig({});
const guests = new GuestIdentity(config);
const commenters = new CommenterDirectory(null as never, null as never, null as never, guests, config);
const trackers = new RateLimitTrackers(config, commenters, guests);

describe('RateLimitTrackers', () => {
  it('know a signed-in reader by sub, whatever the token calls them, and never show the sub', () => {
    const alice = trackers.commenter({ actor: { kind: 'reader', id: 'alice', name: 'Alice' } });
    expect(trackers.commenter({ actor: { kind: 'moderator', id: 'alice', name: 'A.' } })).toBe(alice);
    expect(trackers.commenter({ actor: { kind: 'reader', id: 'bob', name: 'Alice' } })).not.toBe(alice);
    expect(alice).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('know a guest by the email in the body, in any case, apart from a reader with the same text as sub', () => {
    const guest = (email: unknown) => trackers.commenter({ body: { body: 'x', author: { name: 'Gina', email } } });
    expect(guest('Gina@Example.org')).toBe(guest('gina@example.org'));
    expect(guest('gina@example.org')).not.toBe(trackers.commenter({ actor: { kind: 'reader', id: 'gina@example.org', name: 'G' } }));
    expect(guest('gina@example.org')).not.toContain('gina');
  });

  it('have nothing to count a request by that names nobody', () => {
    for (const body of [undefined, null, 'text', [], {}, { author: {} }, { author: { email: 42 } }, { author: { email: '  ' } }]) {
      expect(trackers.commenter({ body })).toBe('');
    }
  });

  it('know a network by its address: IPv4 however the socket shows it, IPv6 by its /64', () => {
    const v4 = trackers.network({ ip: '198.51.100.7' });
    expect(trackers.network({ ip: '::ffff:198.51.100.7' })).toBe(v4);
    expect(trackers.network({ ip: '198.51.100.8' })).not.toBe(v4);
    expect(trackers.network({ ip: '2001:db8:1:2::a' })).toBe(trackers.network({ ip: '2001:DB8:1:2:ffff::b' }));
    expect(trackers.network({ ip: '2001:db8:1:3::a' })).not.toBe(trackers.network({ ip: '2001:db8:1:2::a' }));
    expect(trackers.network({})).toBe('');
  });
});
