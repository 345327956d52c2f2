/**
 * View documents the API read lately (thread buckets, metas, top lists), kept current by the
 * writers' change notices instead of a time-based expiry (decision 0041). Not a response
 * cache: the pages are still built from documents on every request.
 *
 * - Serves a document from memory only while notices flow (`enable` after subscribing;
 *   `disable` on any disconnect empties it, since notices may have been missed).
 * - A notice marks the document stale and reloads it at once; until the reload lands, readers
 *   get the version they had (a few milliseconds older), never a miss storm on a hot thread.
 * - A load that a notice overtook is not kept, so a document read before its write can never
 *   be served as current. `ttlMs` bounds what a lost notice could cost.
 */
export interface CacheClock {
  now(): number;
}

interface Entry<T> {
  doc: T;
  loadedAt: number;
  load: () => Promise<T>;
  stale: boolean;
  refreshing: boolean;
  /** A notice came while it was reloading: reload once more when that one lands. */
  again: boolean;
}

export class ViewDocumentCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  /** Loads under way for documents not in memory, with whether a notice overtook them. */
  private readonly loading = new Map<string, { promise: Promise<unknown>; overtaken: boolean }>();
  private enabled = false;
  readonly stats = { hits: 0, misses: 0, staleHits: 0, refreshes: 0 };

  constructor(
    private readonly options: { ttlMs: number; maxDocuments: number },
    private readonly clock: CacheClock = { now: () => Date.now() },
  ) {}

  get active(): boolean {
    return this.enabled && this.options.ttlMs > 0;
  }

  /** Notices flow from now on: documents may be kept. */
  enable(): void {
    this.enabled = true;
  }

  /** Notices may be lost from now on: forget everything and read through. */
  disable(): void {
    this.enabled = false;
    this.entries.clear();
    for (const pending of this.loading.values()) pending.overtaken = true;
    this.loading.clear();
  }

  async get<T>(collection: string, id: string, load: () => Promise<T>): Promise<T> {
    if (!this.active) return load();
    const key = `${collection}\u0000${id}`;
    const entry = this.entries.get(key) as Entry<T> | undefined;
    if (entry && this.clock.now() - entry.loadedAt < this.options.ttlMs) {
      if (entry.stale) this.stats.staleHits++;
      else this.stats.hits++;
      // Least recently read goes first when full.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.doc;
    }
    if (entry) this.entries.delete(key);
    const pending = this.loading.get(key);
    if (pending) return pending.promise as Promise<T>;
    this.stats.misses++;
    const started: { promise: Promise<T>; overtaken: boolean } = { promise: load(), overtaken: false };
    this.loading.set(key, started);
    try {
      const doc = await started.promise;
      if (!started.overtaken && this.active) this.keep(key, { doc, loadedAt: this.clock.now(), load, stale: false, refreshing: false, again: false });
      return doc;
    } finally {
      if (this.loading.get(key) === started) this.loading.delete(key);
    }
  }

  /** A writer changed these documents (physical collection name, ids). */
  changed(collection: string, ids: readonly string[]): void {
    for (const id of ids) {
      const key = `${collection}\u0000${id}`;
      const pending = this.loading.get(key);
      if (pending) {
        pending.overtaken = true;
        this.loading.delete(key);
      }
      const entry = this.entries.get(key);
      if (!entry) continue;
      entry.stale = true;
      if (entry.refreshing) entry.again = true;
      else void this.refresh(key, entry);
    }
  }

  private async refresh(key: string, entry: Entry<unknown>): Promise<void> {
    entry.refreshing = true;
    entry.again = false;
    this.stats.refreshes++;
    try {
      const doc = await entry.load();
      if (this.entries.get(key) !== entry) return;
      entry.doc = doc;
      entry.loadedAt = this.clock.now();
      entry.stale = entry.again;
    } catch {
      // The store is the truth: without a fresh copy, readers go to it.
      if (this.entries.get(key) === entry) this.entries.delete(key);
      return;
    } finally {
      entry.refreshing = false;
    }
    if (entry.again && this.entries.get(key) === entry) void this.refresh(key, entry);
  }

  private keep(key: string, entry: Entry<unknown>): void {
    this.entries.delete(key);
    // Oldest first out: a Map iterates in insertion order.
    while (this.entries.size >= this.options.maxDocuments) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }
}
