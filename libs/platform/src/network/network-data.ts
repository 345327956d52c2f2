import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { isIPv4 } from 'node:net';
import { keyedHash } from '../auth/keyed-hash';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';

/** A submission's network as the HTTP layer saw it; either part may be missing. */
export interface ClientNetwork {
  address?: string;
  userAgent?: string;
}

/** What is kept for one reply version until the retention period ends. */
export interface NetworkRecord {
  address?: string;
  userAgent?: string;
  /** Keyed hashes: what events, verdicts and counters may carry instead of the raw values. */
  addressHash?: string;
  userAgentHash?: string;
}

/** A spam clue, not something to keep in bulk: longer user agents are cut. */
export const MAX_USER_AGENT_LENGTH = 512;
/** Addresses are at most 45 characters; with a trusted proxy a client can forge any X-Forwarded-For. */
export const MAX_ADDRESS_LENGTH = 64;
/** A submission waits at most this long for Redis: a lost record costs a spam clue, never a reply. */
export const RECORD_TIMEOUT_MS = 250;
/** While Redis is down every submission fails to record; one warning a minute says how many. */
const WARN_EVERY_MS = 60_000;

const FIELDS = ['address', 'userAgent', 'addressHash', 'userAgentHash'] as const;

/**
 * Client addresses and user agents of submissions, for the spam checks that need them raw.
 * They live only here, in Redis, under an expiry of NETWORK_DATA_RETENTION_HOURS, one hash per
 * reply version (its commit id); events and views never hold them (docs/decisions/0015).
 */
@Injectable()
export class NetworkData {
  private readonly logger = new Logger('network-data');
  private unrecorded = 0;
  private lastWarningAt = -Infinity;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  key(commitId: string): string {
    return `${this.config.QUEUE_PREFIX}:network:${commitId}`;
  }

  get retentionSeconds(): number {
    return this.config.NETWORK_DATA_RETENTION_HOURS * 3600;
  }

  /**
   * Best effort: never throws and never waits more than RECORD_TIMEOUT_MS, so Redis down or
   * slow cannot fail or hold a submission. Recording the same commit again replaces it.
   */
  async record(commitId: string, client: ClientNetwork): Promise<boolean> {
    const fields = this.fieldsOf(client);
    if (Object.keys(fields).length === 0) return true;
    const key = this.key(commitId);
    // One transaction, so the record never exists without its expiry; DEL first so a
    // repeated record holds exactly its own fields.
    const written = (async () => check(await this.redis.multi().del(key).hset(key, fields).expire(key, this.retentionSeconds).exec()))();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis in ${RECORD_TIMEOUT_MS} ms`)), RECORD_TIMEOUT_MS);
    });
    try {
      await Promise.race([written, late]);
      return true;
    } catch (error) {
      written.catch(() => undefined); // a late answer or failure has no one left to tell
      this.warn(commitId, error, Object.values(fields));
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** For the spam checks; throws when Redis cannot answer, so their job is retried. */
  async get(commitId: string): Promise<NetworkRecord | null> {
    const found = await this.redis.hgetall(this.key(commitId));
    const record = Object.fromEntries(FIELDS.filter((f) => found[f] !== undefined).map((f) => [f, found[f]])) as NetworkRecord;
    return Object.keys(record).length > 0 ? record : null;
  }

  /**
   * Erasure of a commenter: every commit of their replies (`reply-<id>:<version>`). Throws when
   * Redis cannot answer, so an erasure is retried rather than reported done. Returns how many went.
   */
  async forget(commitIds: string[]): Promise<number> {
    let removed = 0;
    for (let i = 0; i < commitIds.length; i += 500) {
      removed += await this.redis.del(...commitIds.slice(i, i + 500).map((id) => this.key(id)));
    }
    return removed;
  }

  private fieldsOf(client: ClientNetwork): Record<string, string> {
    const fields: Record<string, string> = {};
    const address = client.address ? normaliseAddress(client.address) : '';
    if (address) Object.assign(fields, { address, addressHash: keyedHash(this.config.HASH_KEY, 'address', address) });
    // Cut by code points, so a surrogate pair is never split; the hash is of what is kept.
    const userAgent = client.userAgent ? Array.from(client.userAgent.trim()).slice(0, MAX_USER_AGENT_LENGTH).join('') : '';
    if (userAgent) Object.assign(fields, { userAgent, userAgentHash: keyedHash(this.config.HASH_KEY, 'user-agent', userAgent) });
    return fields;
  }

  private warn(commitId: string, error: unknown, values: string[]): void {
    this.unrecorded += 1;
    const now = Date.now();
    if (now - this.lastWarningAt < WARN_EVERY_MS) return;
    // Redis errors name the command, not its arguments; the values are scrubbed all the same.
    let reason = error instanceof Error ? error.message : String(error);
    for (const value of values) reason = reason.split(value).join('[withheld]');
    this.logger.warn(`network data of ${commitId} not recorded (${this.unrecorded} not recorded since the last warning): ${reason}`);
    this.unrecorded = 0;
    this.lastWarningAt = now;
  }
}

/** An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d: one client, one hash. */
function normaliseAddress(raw: string): string {
  const address = raw.trim().toLowerCase().slice(0, MAX_ADDRESS_LENGTH);
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** MULTI answers each command's error in place instead of rejecting. */
function check(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('the transaction was discarded');
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
}
