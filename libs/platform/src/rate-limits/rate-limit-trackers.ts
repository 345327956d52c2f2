import { Actor } from '@app/domain';
import { normalizeIp } from '@nestjs/throttler';
import { GuestIdentity } from '../auth/guest-identity';
import { keyedHash } from '../auth/keyed-hash';
import { AppConfig } from '../config/app-config';
import { CommenterDirectory } from '../commenters/commenter-directory';

/** The parts of a request the limits look at; the access guard has set `actor` by then. */
export interface RateLimitedRequest {
  actor?: Actor;
  body?: unknown;
  /** Express's client address: from X-Forwarded-For only under TRUST_PROXY. */
  ip?: string;
}

/** One IPv6 client holds a whole /64; counting addresses in it one by one would not limit it. */
const IPV6_NETWORK_PREFIX = 64;

/**
 * What each limit counts by, as keyed hashes (HASH_KEY), so Redis never holds a `sub`, an
 * email or an address, and a key cannot be matched with a stored commenter identity.
 * '' means the request gives nothing to count by; that limit then lets it through.
 */
export class RateLimitTrackers {
  constructor(
    private readonly config: AppConfig,
    private readonly commenters: CommenterDirectory,
    private readonly guests: GuestIdentity,
  ) {}

  /** The signed-in reader, or the guest named by the body's email (checked later by validation). */
  commenter(request: RateLimitedRequest): string {
    const actor = request.actor ?? this.guestOf(request.body);
    return actor ? keyedHash(this.config.HASH_KEY, 'rate-limit-commenter', this.commenters.identityOf(actor)) : '';
  }

  /** The client address, IPv4 as sent (also when dual-stack shows it as ::ffff:a.b.c.d), IPv6 by its /64. */
  network(request: RateLimitedRequest): string {
    const address = typeof request.ip === 'string' ? request.ip.trim().toLowerCase() : '';
    return address ? keyedHash(this.config.HASH_KEY, 'rate-limit-network', normalizeIp(address, IPV6_NETWORK_PREFIX)) : '';
  }

  private guestOf(body: unknown): Actor | undefined {
    const email = (body as { author?: { email?: unknown } } | undefined)?.author?.email;
    return typeof email === 'string' && email.trim() ? { kind: 'guest', id: this.guests.idOf(email), name: '' } : undefined;
  }
}
