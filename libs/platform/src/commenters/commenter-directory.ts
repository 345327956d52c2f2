import { Actor } from '@app/domain';
import { DATA_KEYS, DataKeys, isDuplicateKey } from '@app/event-store';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import type { mongo } from 'mongoose';
import { GuestIdentity } from '../auth/guest-identity';
import { AppConfig } from '../config/app-config';
import { connectRedis, failFastRedisOptions, REDIS } from '../redis/redis.module';
import { MONGO_DB } from '../mongo/mongo.module';

export const CommenterCollections = {
  /** Keyed hash of a person's identity -> their current commenter id. Deleted on erasure. */
  identities: 'commenter_identities',
  /** Commenter id -> the keyed hash of the identity, so an admin can erase by commenter id. */
  commenters: 'commenters',
} as const;

interface IdentityDocument {
  _id: string;
  commenterId: string;
  createdAt: Date;
}

interface CommenterDocument {
  _id: string;
  identity: string;
  createdAt: Date;
}

/** How long a process trusts what it looked up; an erasure elsewhere is seen within this. */
const CACHE_MS = 30_000;

/**
 * Who a person is in the log: a random commenter id with its own data key, issued on their
 * first reply. Events never hold a `sub` or an email hash, only this id; erasing the person
 * destroys the key and forgets the link, so coming back makes a new commenter.
 */
@Injectable()
export class CommenterDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly cache = new Map<string, { commenterId: string; until: number }>();
  private notices: Redis | null = null;

  constructor(
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    @Inject(DATA_KEYS) private readonly keys: DataKeys,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly guests: GuestIdentity,
    private readonly config: AppConfig,
  ) {}

  private get channel(): string {
    return `${this.config.QUEUE_PREFIX}:commenter-erased`;
  }

  /**
   * Every process hears of an erasure at once and stops using the commenter's id and key, so a
   * person coming back is enrolled afresh wherever they land. Without Redis, caches expire.
   */
  async onModuleInit(): Promise<void> {
    // Who a person ever was: erasure and export look for earlier commenter ids (rare, admin-speed).
    await this.commenters.createIndex({ identity: 1 }, { name: 'commenters_by_identity' });
    this.notices = connectRedis(this.config.REDIS_URL, { ...failFastRedisOptions, enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.notices.on('message', (_channel: string, commenterId: string) => this.evict(commenterId));
    void this.notices.subscribe(this.channel).catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.notices?.disconnect();
  }

  private get identities() {
    return this.db.collection<IdentityDocument>(CommenterCollections.identities);
  }

  private get commenters() {
    return this.db.collection<CommenterDocument>(CommenterCollections.commenters);
  }

  /** Whether this id is enrolled (an erased commenter is not: their stream still knows them). */
  async exists(commenterId: string): Promise<boolean> {
    return (await this.commenters.findOne({ _id: commenterId }, { projection: { _id: 1 } })) !== null;
  }

  /** Signed-in people are known by `sub` whatever their role; guests by their email's hash. */
  identityOf(actor: Actor): string {
    if (actor.kind === 'system') throw new Error('the system is not a commenter');
    return this.guests.hash('commenter-identity', `${actor.kind === 'guest' ? 'guest' : 'user'}\u0000${actor.id}`);
  }

  /** The person's current commenter id, or null if they have none (never wrote, or erased). */
  async find(actor: Actor): Promise<string | null> {
    const identity = this.identityOf(actor);
    return this.cached(identity) ?? (await this.lookup(identity)).commenterId;
  }

  /** The person's commenter id, issuing one (with its key) on their first reply. */
  async enrol(actor: Actor): Promise<string> {
    const identity = this.identityOf(actor);
    const hit = this.cached(identity);
    if (hit) return hit;
    for (let attempt = 0; attempt < 3; attempt++) {
      const { commenterId, stale } = await this.lookup(identity);
      if (commenterId) return commenterId;
      // A link whose key is gone is what an erasure interrupted: finish forgetting it.
      if (stale) await this.unlink(identity, stale);
      const { keyId } = await this.keys.create();
      await this.commenters.insertOne({ _id: keyId, identity, createdAt: new Date() });
      try {
        await this.identities.insertOne({ _id: identity, commenterId: keyId, createdAt: new Date() });
        this.remember(identity, keyId);
        return keyId;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // Another request enrolled them first: theirs stands, ours is dropped.
        await this.commenters.deleteOne({ _id: keyId });
        await this.keys.destroy(keyId);
      }
    }
    throw new Error('could not enrol the commenter: their identity keeps changing');
  }

  private cached(identity: string): string | null {
    const hit = this.cache.get(identity);
    return hit && hit.until > performance.now() ? hit.commenterId : null;
  }

  /** The linked commenter if their key still exists; otherwise the id of a link left stale. */
  private async lookup(identity: string): Promise<{ commenterId: string | null; stale?: string }> {
    const doc = await this.identities.findOne({ _id: identity });
    if (!doc) return { commenterId: null };
    if (!(await this.keys.get(doc.commenterId))) return { commenterId: null, stale: doc.commenterId };
    this.remember(identity, doc.commenterId);
    return { commenterId: doc.commenterId };
  }

  /** The actor as the author of their replies: `id` is their commenter id ('' if they have none). */
  async asCommenter(actor: Actor): Promise<Actor> {
    return { ...actor, id: (await this.find(actor)) ?? '' };
  }

  /**
   * Every commenter id the person has with a live key: the current one first, then any an
   * interrupted erasure or a lost link left behind. Scans `commenters` on FerretDB (an index
   * serves it on MongoDB): for erasure and export only.
   */
  async allOf(actor: Actor): Promise<string[]> {
    const current = await this.find(actor);
    const docs = await this.commenters.find({ identity: this.identityOf(actor) }).toArray();
    const earlier = [];
    for (const doc of docs) if (doc._id !== current && (await this.keys.get(doc._id))) earlier.push(doc._id);
    return [...(current ? [current] : []), ...earlier.sort()];
  }

  /** Forgets who the commenter was and destroys their key; idempotent, safe to repeat after a crash. */
  async forget(commenterId: string): Promise<void> {
    const doc = await this.commenters.findOne({ _id: commenterId });
    if (doc) await this.unlink(doc.identity, commenterId);
    await this.keys.destroy(commenterId);
    await this.commenters.deleteOne({ _id: commenterId });
    this.evict(commenterId);
    await this.redis.publish(this.channel, commenterId).catch(() => undefined);
  }

  /** A commenter found erased (their key gone): forget what this process remembers of them. */
  erased(commenterId: string): void {
    this.evict(commenterId);
  }

  /** Drops what this process remembers of a commenter erased here or elsewhere. */
  private evict(commenterId: string): void {
    for (const [identity, hit] of this.cache) if (hit.commenterId === commenterId) this.cache.delete(identity);
    this.keys.forget?.(commenterId);
  }

  private async unlink(identity: string, commenterId: string): Promise<void> {
    this.cache.delete(identity);
    const link = await this.identities.findOne({ _id: identity });
    // Only this commenter's link: the person may already be back under a new id. (Deleting by
    // `_id` alone keeps to what FerretDB indexes; a re-enrolment landing between the two calls
    // would lose its link, and the person would be enrolled afresh on their next reply.)
    if (link?.commenterId === commenterId) await this.identities.deleteOne({ _id: identity });
  }

  private remember(identity: string, commenterId: string): void {
    if (this.cache.size >= 10_000) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(identity, { commenterId, until: performance.now() + CACHE_MS });
  }
}
