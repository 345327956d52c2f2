import { Actor } from '@app/domain';
import { DATA_KEYS, DataKeys, isDuplicateKey } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';
import type { mongo } from 'mongoose';
import { GuestIdentity } from '../auth/guest-identity';
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
export class CommenterDirectory {
  private readonly cache = new Map<string, { commenterId: string; until: number }>();

  constructor(
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    @Inject(DATA_KEYS) private readonly keys: DataKeys,
    private readonly guests: GuestIdentity,
  ) {}

  private get identities() {
    return this.db.collection<IdentityDocument>(CommenterCollections.identities);
  }

  private get commenters() {
    return this.db.collection<CommenterDocument>(CommenterCollections.commenters);
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

  /** Forgets who the commenter was and destroys their key; idempotent, safe to repeat after a crash. */
  async forget(commenterId: string): Promise<void> {
    const doc = await this.commenters.findOne({ _id: commenterId });
    if (doc) await this.unlink(doc.identity, commenterId);
    await this.keys.destroy(commenterId);
    await this.commenters.deleteOne({ _id: commenterId });
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
