import { createHmac, timingSafeEqual } from 'node:crypto';

export const DASHBOARD_ROUTE = '/admin/queues';
export const SESSION_COOKIE = 'queues_session';
export const SESSION_SECONDS = 15 * 60;

/**
 * The dashboard's session: `<expiry>.<admin sub>.<HMAC>` in an HttpOnly cookie, signed with a
 * key derived from HASH_KEY for this use only. Nothing is stored; it ends at its expiry.
 */
export class DashboardSession {
  private readonly key: Buffer;

  constructor(hashKey: string) {
    this.key = createHmac('sha256', hashKey).update('queues-dashboard-session').digest();
  }

  issue(sub: string, now = Date.now()): string {
    const body = `${Math.floor(now / 1000) + SESSION_SECONDS}.${Buffer.from(sub).toString('base64url')}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The admin's sub, or null for anything forged, altered or expired. */
  verify(value: string | undefined, now = Date.now()): string | null {
    if (!value || value.length > 400) return null;
    const parts = value.split('.');
    if (parts.length !== 3 || !/^\d{1,12}$/.test(parts[0])) return null;
    const body = `${parts[0]}.${parts[1]}`;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(parts[2]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (Number(parts[0]) * 1000 <= now) return null;
    return Buffer.from(parts[1], 'base64url').toString();
  }

  cookie(value: string, secure: boolean): string {
    return `${SESSION_COOKIE}=${value}; Path=${DASHBOARD_ROUTE}; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** The session cookie's value from a Cookie header, without a cookie library. */
export function sessionCookieOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}
