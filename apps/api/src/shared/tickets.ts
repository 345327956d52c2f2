import { Actor } from '@app/domain';
import { AppConfig, ProblemException, REDIS } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';

/**
 * What a ticket opens; a ticket opens nothing else. Browsers cannot send a bearer header on an
 * EventSource or a page load, so a bearer request exchanges for a ticket that travels in the URL.
 */
export const TICKET_PURPOSES = {
  /** GET /moderation/stream: reusable until it expires, so the browser's own reconnects work. */
  'moderation-stream': { ttlSeconds: 60, once: false, role: 'moderator' },
  /** GET /admin/queues?ticket=: used once, for the dashboard's cookie. */
  'queues-dashboard': { ttlSeconds: 60, once: true, role: 'admin' },
} as const;
export type TicketPurpose = keyof typeof TICKET_PURPOSES;

/** 32 random bytes, base64url. Anything else is refused without a Redis call. */
const TICKET_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export interface TicketHolder {
  sub: string;
  role: string;
  name: string;
}

/**
 * Short-lived tickets in Redis under the app's key prefix, keyed by purpose and a hash of the
 * ticket (a Redis dump holds no usable ticket), expiring with the key.
 */
@Injectable()
export class TicketService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async issue(purpose: TicketPurpose, actor: Actor): Promise<{ ticket: string; expiresAt: string }> {
    const ticket = randomBytes(32).toString('base64url');
    const { ttlSeconds } = TICKET_PURPOSES[purpose];
    const holder: TicketHolder = { sub: actor.id, role: actor.kind, name: actor.name };
    await this.call(() => this.redis.set(this.key(purpose, ticket), JSON.stringify({ purpose, ...holder }), 'EX', ttlSeconds, 'NX'));
    return { ticket, expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString() };
  }

  /** The holder of a valid ticket for this purpose (taken, if the purpose allows one use), or null. */
  async redeem(purpose: TicketPurpose, ticket: unknown): Promise<TicketHolder | null> {
    if (typeof ticket !== 'string' || !TICKET_FORMAT.test(ticket)) return null;
    const key = this.key(purpose, ticket);
    const raw = await this.call(() => (TICKET_PURPOSES[purpose].once ? this.redis.getdel(key) : this.redis.get(key)));
    if (!raw) return null;
    const stored = JSON.parse(raw) as TicketHolder & { purpose: string };
    return stored.purpose === purpose ? { sub: stored.sub, role: stored.role, name: stored.name } : null;
  }

  private key(purpose: TicketPurpose, ticket: string): string {
    return `${this.config.QUEUE_PREFIX}:ticket:${purpose}:${createHash('sha256').update(ticket).digest('base64url')}`;
  }

  /** Redis down: say so (503), never let a ticket through unchecked. */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch {
      throw new ProblemException(503, 'tickets are unavailable while Redis is down; try again shortly', undefined, { 'Retry-After': '5' });
    }
  }
}
