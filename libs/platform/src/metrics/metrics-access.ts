import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** What the access rule needs of a request, from Express or from a bare node:http server. */
export interface ScrapeRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The socket's peer, never a proxy header. */
  socketAddress: string | undefined;
}

export type ScrapeVerdict = { allowed: true } | { allowed: false; status: 401 | 403; detail: string };

/** Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever the socket says. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host'];

const isLoopback = (address: string | undefined): boolean => {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
};

// Hashing first makes the comparison constant-time whatever the lengths.
const digest = (value: string) => createHash('sha256').update(value).digest();
const sameSecret = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/**
 * Who may read /metrics (docs/decisions/0035): with METRICS_TOKEN set, exactly the bearer of
 * that token; without it, only a direct request from loopback. The socket decides, not
 * X-Forwarded-For, and a request with any forwarding header is refused under the loopback rule:
 * a reverse proxy on the same host would otherwise make every public request look local.
 */
export function scrapeVerdict(token: string, request: ScrapeRequest): ScrapeVerdict {
  const header = request.headers.authorization;
  if (token) {
    if (typeof header !== 'string') return { allowed: false, status: 401, detail: 'send Authorization: Bearer <METRICS_TOKEN>' };
    const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/i.exec(header);
    if (!match) return { allowed: false, status: 401, detail: 'Authorization must be "Bearer <METRICS_TOKEN>"' };
    if (!sameSecret(match[1], token)) return { allowed: false, status: 401, detail: 'wrong metrics token' };
    return { allowed: true };
  }
  const forwarded = FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined);
  if (forwarded || !isLoopback(request.socketAddress)) {
    return { allowed: false, status: 403, detail: 'metrics are served to loopback only while METRICS_TOKEN is unset' };
  }
  return { allowed: true };
}
