import type Redis from 'ioredis';

export interface SignalCounts {
  /** Replies by this commenter in the minute of this one; null while Redis is down. */
  commenterPerMinute: number | null;
  /** Replies from this network (keyed hash of the address) in that minute; null without it. */
  networkPerMinute: number | null;
  /** Replies with the same text, across articles and commenters, in the last day. */
  sameText: number | null;
}

/** How long Redis may take before scoring goes on without the counts. */
const SIGNALS_TIMEOUT_MS = 500;

/**
 * Velocity and repetition counters in Redis, each a set of job ids with an expiry: a retried
 * job counts once, and the counts need nothing in the store. Redis down gives nulls, not an
 * error: scoring goes on without them, and the verdict says so.
 */
export class ScreeningSignals {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async count(jobId: string, what: { commenterId: string; networkHash: string | null; fingerprint: string | null; at: Date }): Promise<SignalCounts> {
    const minute = Math.floor(what.at.getTime() / 60_000);
    const keys = {
      commenter: `${this.prefix}:velocity:commenter:${what.commenterId}:${minute}`,
      network: what.networkHash ? `${this.prefix}:velocity:network:${what.networkHash}:${minute}` : null,
      sameText: what.fingerprint ? `${this.prefix}:same-text:${what.fingerprint}` : null,
    };
    const multi = this.redis.multi();
    multi.sadd(keys.commenter, jobId).expire(keys.commenter, 180).scard(keys.commenter);
    if (keys.network) multi.sadd(keys.network, jobId).expire(keys.network, 180).scard(keys.network);
    if (keys.sameText) multi.sadd(keys.sameText, jobId).expire(keys.sameText, 86_400).scard(keys.sameText);
    try {
      const done = multi.exec();
      const results = await Promise.race([done, new Promise<null>((r) => setTimeout(() => r(null), SIGNALS_TIMEOUT_MS).unref())]);
      if (!results) return { commenterPerMinute: null, networkPerMinute: null, sameText: null };
      const counts = results.map(([error, value]) => (error ? null : Number(value)));
      return {
        commenterPerMinute: counts[2],
        networkPerMinute: keys.network ? counts[5] : null,
        sameText: keys.sameText ? counts[keys.network ? 8 : 5] : null,
      };
    } catch {
      return { commenterPerMinute: null, networkPerMinute: null, sameText: null };
    }
  }
}
