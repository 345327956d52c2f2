import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';

export const DATA_KEYS = Symbol('DATA_KEYS');

/**
 * One data key per commenter, named by the commenter's random id. The built-in collection
 * can be replaced by a real key service behind this port; destroying a key is the erasure.
 */
export interface DataKeys {
  /** A new commenter id with a fresh key. */
  create(): Promise<{ keyId: string; key: Buffer }>;
  /** The key, or null once destroyed (or never made). */
  get(keyId: string): Promise<Buffer | null>;
  /** Destroys the key for good; idempotent. No key with this id is ever made again. */
  destroy(keyId: string): Promise<void>;
  /** Another process destroyed this key: stop using any copy kept here. */
  forget?(keyId: string): void;
}

interface DataKeyDocument {
  _id: string;
  /** The key wrapped by the master key: iv, ciphertext and tag, base64. */
  wrapped: string;
  createdAt: Date;
}

export const DATA_KEY_COLLECTION = 'data_keys';

/** Keys in a collection of their own, each wrapped (AES-256-GCM) by a master key from config. */
export class MongoDataKeys implements DataKeys {
  private readonly master: Buffer;

  constructor(
    private readonly db: mongo.Db,
    masterSecret: string,
  ) {
    this.master = Buffer.from(hkdfSync('sha256', masterSecret, 'reply-section', 'data-key-wrapping', 32));
  }

  private get keys() {
    return this.db.collection<DataKeyDocument>(DATA_KEY_COLLECTION);
  }

  async create(): Promise<{ keyId: string; key: Buffer }> {
    const keyId = randomUUID();
    const key = randomBytes(32);
    await this.keys.insertOne({ _id: keyId, wrapped: this.wrap(keyId, key), createdAt: new Date() });
    return { keyId, key };
  }

  async get(keyId: string): Promise<Buffer | null> {
    const doc = await this.keys.findOne({ _id: keyId });
    return doc ? this.unwrap(keyId, doc.wrapped) : null;
  }

  async destroy(keyId: string): Promise<void> {
    await this.keys.deleteOne({ _id: keyId });
  }

  private wrap(keyId: string, key: Buffer): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.master, iv).setAAD(Buffer.from(keyId));
    return Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]).toString('base64');
  }

  private unwrap(keyId: string, wrapped: string): Buffer {
    const raw = Buffer.from(wrapped, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.master, raw.subarray(0, 12)).setAAD(Buffer.from(keyId));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
  }
}

/**
 * Keeps keys in memory for a short while, so a busy commenter costs no lookup per event. A
 * destroyed key is remembered as gone for good (ids are random and never reused), so reading
 * an erased commenter's events costs nothing either. A key destroyed by another process is
 * forgotten here when that process says so (`forget`), or at the latest after `ttlMs`.
 */
export class CachedDataKeys implements DataKeys {
  private readonly cache = new Map<string, { key: Buffer | null; until: number }>();

  constructor(
    private readonly inner: DataKeys,
    private readonly ttlMs = 30_000,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async create(): Promise<{ keyId: string; key: Buffer }> {
    const made = await this.inner.create();
    this.keep(made.keyId, made.key);
    return made;
  }

  async get(keyId: string): Promise<Buffer | null> {
    const hit = this.cache.get(keyId);
    if (hit && (hit.key === null || hit.until > this.now())) return hit.key;
    this.cache.delete(keyId);
    const key = await this.inner.get(keyId);
    this.keep(keyId, key);
    return key;
  }

  async destroy(keyId: string): Promise<void> {
    await this.inner.destroy(keyId);
    this.keep(keyId, null);
  }

  /** Another process destroyed this key: stop using it now. */
  forget(keyId: string): void {
    this.keep(keyId, null);
  }

  private keep(keyId: string, key: Buffer | null): void {
    this.cache.delete(keyId);
    if (this.cache.size >= this.maxKeys) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(keyId, { key, until: this.now() + this.ttlMs });
  }
}
