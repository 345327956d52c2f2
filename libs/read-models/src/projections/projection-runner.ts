import { LogEntry, LogHandler, UNFENCED, ViewRolledBackError, WriteGuard } from '@app/event-store';
import type { mongo } from 'mongoose';
import { ViewNames } from '../view-names';
import { EventAt, isApplied, Projection, ProjectionStore, ViewDocument } from './projection';
import { RememberedWrites } from './remembered-writes';

/** Documents of one batch, loaded once by `_id`, changed in memory. */
export class BatchStore implements ProjectionStore {
  private readonly docs = new Map<string, ViewDocument | null>();
  private readonly dirty = new Map<string, Set<string>>();
  /** Documents that did not exist when loaded: inserted, not updated. */
  private readonly created = new Set<string>();

  constructor(private readonly load: (collection: string, id: string) => Promise<ViewDocument | null>) {}

  async get<T extends ViewDocument>(collection: string, id: string): Promise<T | null> {
    const key = `${collection}\u0000${id}`;
    if (!this.docs.has(key)) this.docs.set(key, await this.load(collection, id));
    return this.docs.get(key) as T | null;
  }

  async update<T extends ViewDocument>(
    collection: string,
    id: string,
    at: EventAt,
    change: (doc: T | null) => Omit<T, 'position' | 'eventIndex'> | null,
  ): Promise<T | null> {
    const doc = await this.get<T>(collection, id);
    if (isApplied(doc, at)) return doc;
    const next = change(doc);
    if (next === null) return doc;
    const stamped = { ...next, _id: id, position: at.entry.position, eventIndex: at.index } as T;
    const key = `${collection}\u0000${id}`;
    if (doc === null) this.created.add(key);
    this.docs.set(key, stamped);
    if (!this.dirty.has(collection)) this.dirty.set(collection, new Set());
    this.dirty.get(collection)!.add(id);
    return stamped;
  }

  /** Changed documents, collection by collection in the order asked for. */
  *changes(order: readonly string[]): Generator<[string, ViewDocument, 'insert' | 'update']> {
    for (const collection of order) {
      for (const id of this.dirty.get(collection) ?? []) {
        const key = `${collection}\u0000${id}`;
        yield [collection, this.docs.get(key)!, this.created.has(key) ? 'insert' : 'update'];
      }
    }
  }
}

/** Document updates in flight at once: well inside the driver's connection pool. */
const PARALLEL_WRITES = 20;
/**
 * Writes a projector remembers, per generation (the latest 5,000 to 10,000). A rollback it
 * must catch lands within a lease and a store timeout of the write (decision 0025), and a
 * document written often under a flood is read again within seconds.
 */
const REMEMBERED_WRITES = 5_000;

/** The partition of an entry: its article, so one failing article never stops the others. */
export function articleOf(entry: LogEntry): string {
  const data = entry.events[0]?.data as { articleId?: unknown } | undefined;
  return typeof data?.articleId === 'string' ? data.articleId : entry.streamId;
}

/**
 * Applies a batch of log entries to a projection and writes each changed document once,
 * under the consumer's lease: every store call through its guard, every document stamped
 * with its fencing token, and a document carrying a newer token stops the batch.
 */
export class ProjectionRunner implements LogHandler {
  readonly kind = 'view';
  /** Test hook: runs after the documents are written, before the checkpoint is saved. */
  afterWrite: (() => Promise<void>) | null = null;
  /**
   * Told of every document a batch wrote or tried to (physical collection, ids), written or
   * not: readers' caches drop them (view-change-notices.ts). An extra notice costs a reload.
   */
  notify: ((collection: string, ids: string[]) => void) | null = null;

  constructor(
    private readonly db: mongo.Db,
    readonly projection: Projection,
    private readonly names: ViewNames = ViewNames.of([projection]),
    /**
     * Documents kept in memory between batches (0: none). Only for a writer nobody else writes
     * beside, a rebuild into its own collections: it then reads a document back only once.
     */
    private readonly cacheSize = 0,
  ) {}

  /** `collection\0id` → the document as this runner last read or wrote it (null: absent). */
  private readonly cache = new Map<string, ViewDocument | null>();
  /** The fencing token the cache was filled under: another holder may have written since. */
  private cacheToken: number | null = null;

  get name(): string {
    return this.names.consumerName(this.projection);
  }

  partitionOf(entry: LogEntry): string {
    return this.projection.partitionOf?.(entry) ?? articleOf(entry);
  }

  /**
   * Where this process last wrote each document. A document read back older than that was
   * rolled back by a late write, and must not be built on: the consumer replays from the
   * document's own position instead.
   */
  private readonly written = new RememberedWrites(REMEMBERED_WRITES);

  async handle(entries: LogEntry[], guard: WriteGuard = UNFENCED): Promise<void> {
    if (this.cacheToken !== guard.token) this.cache.clear();
    this.cacheToken = guard.token;
    try {
      await this.handleBatch(entries, guard);
    } catch (error) {
      // Some writes may have landed, some not: the store is the truth again.
      this.cache.clear();
      throw error;
    }
  }

  private async handleBatch(entries: LogEntry[], guard: WriteGuard): Promise<void> {
    const store = new BatchStore(async (collection, id) => {
      const key = `${collection}\u0000${id}`;
      // A copy: the projection may change what it is given before it decides not to write.
      if (this.cache.has(key)) return structuredClone(this.cache.get(key)!);
      const doc = await guard.call(() => this.db.collection<ViewDocument>(this.names.collection(collection)).findOne({ _id: id }));
      if (this.cacheSize > 0) this.keep(key, doc === null ? null : structuredClone(doc));
      guard.meet(doc?.fence);
      const mine = doc && this.written.laterWrite(collection, id, doc.position, doc.eventIndex);
      if (doc && mine !== null) {
        // Remembered until the consumer has rewound (`rolledBack`): the replay then starts from the document as it stands.
        throw new ViewRolledBackError(key, doc.position, mine);
      }
      return doc;
    });
    await applyEntries(this.projection, entries, store);
    try {
      await this.write(store, guard);
    } finally {
      // Also after a failure: some writes may have landed.
      if (this.notify) {
        for (const collection of this.projection.collections) {
          const ids = [...store.changes([collection])].map(([, doc]) => doc._id);
          if (ids.length) this.notify(this.names.collection(collection), ids);
        }
      }
    }
    await this.afterWrite?.();
  }

  private async write(store: BatchStore, guard: WriteGuard): Promise<void> {
    // Collection by collection, in the projection's order; new documents in one insertMany.
    for (const collection of this.projection.collections) {
      const inserts: ViewDocument[] = [];
      const updates: ViewDocument[] = [];
      const col = this.db.collection<ViewDocument>(this.names.collection(collection));
      for (const [, doc, kind] of store.changes([collection])) (kind === 'insert' ? inserts : updates).push({ ...doc, fence: guard.token });
      // Within a collection the order does not matter: its updates go out together. A failed
      // slice still waits for the rest of its calls, so none lands after the retry's writes.
      for (let i = 0; i < updates.length; i += PARALLEL_WRITES) {
        const slice = updates.slice(i, i + PARALLEL_WRITES);
        // Replaced whole, not `$set`: FerretDB v1 skips a `$set` of an embedded document it
        // deems equal, and it compares only values, so {pending: 0} -> {approved: 0} was lost.
        const results = await Promise.allSettled(slice.map(({ _id, ...fields }) => guard.call(() => col.replaceOne({ _id }, fields), fields.position)));
        slice.forEach((doc, j) => results[j].status === 'fulfilled' && this.remember(collection, doc));
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      }
      if (inserts.length) {
        // A late insert cannot undo anything: it fails on the key, or went in first.
        await guard.call(() => col.insertMany(inserts, { ordered: true }));
        for (const doc of inserts) this.remember(collection, doc);
      }
    }
  }

  /** The consumer rewound to a rolled-back document: the replay starts from it as it stands. */
  rolledBack(error: ViewRolledBackError): void {
    const at = error.document.indexOf('\u0000');
    this.written.forget(error.document.slice(0, at), error.document.slice(at + 1));
  }

  private keep(key: string, doc: ViewDocument | null): void {
    if (this.cache.size >= this.cacheSize) this.cache.clear();
    this.cache.set(key, doc);
  }

  private remember(collection: string, doc: ViewDocument): void {
    if (this.cacheSize > 0) this.keep(`${collection}\u0000${doc._id}`, structuredClone(doc));
    this.written.remember(collection, doc._id, doc.position, doc.eventIndex);
  }
}

export async function applyEntries(projection: Projection, entries: LogEntry[], store: ProjectionStore): Promise<void> {
  for (const entry of entries) {
    for (const [index, event] of entry.events.entries()) {
      await projection.apply({ entry, event, index }, store);
    }
  }
}
