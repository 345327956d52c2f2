import { ApiError, BulkAction, ConsoleApi } from './api';

/** A bulk decision this moderator made, kept for this tab so its Undo stays offered across sections and reloads. */
export interface RecentBatch {
  batchId: string;
  action: BulkAction;
  total: number;
  state: string;
  changed: number | null;
  restored: number | null;
  changedSince: number | null;
}

const KEEP = 10;
const SETTLED = ['completed', 'failed', 'undone'];

export const PAST: Record<string, string> = { approve: 'Approved', reject: 'Rejected', spam: 'Marked as spam', feature: 'Featured', unfeature: 'Unfeatured' };

/**
 * The signed-in moderator's recent batches (sessionStorage, per moderator), followed until
 * they settle: it outlives the queue view, so a batch started there keeps its line and its
 * Undo when the moderator visits the log and comes back, or reloads.
 */
export class BatchTracker {
  private list: RecentBatch[];
  private readonly listeners = new Set<(list: RecentBatch[]) => void>();
  private readonly following = new Set<string>();
  private stopped = false;

  constructor(
    private readonly api: ConsoleApi,
    private readonly who: string,
    private readonly onUnauthorized: () => void,
  ) {
    this.list = this.load();
    for (const b of this.list) if (!SETTLED.includes(b.state)) void this.follow(b.batchId);
  }

  get batches(): RecentBatch[] {
    return this.list;
  }

  subscribe(listener: (list: RecentBatch[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A batch just started: listed at once, then followed until it settles. */
  add(batch: RecentBatch): Promise<RecentBatch | null> {
    this.put(batch);
    return this.follow(batch.batchId);
  }

  async undo(batch: RecentBatch): Promise<RecentBatch | null> {
    if (batch.state !== 'completed') return null;
    this.put({ ...batch, state: 'undoing' });
    await this.api.undo(batch.batchId);
    return this.follow(batch.batchId);
  }

  dismiss(batchId: string): void {
    this.list = this.list.filter((b) => b.batchId !== batchId);
    this.save();
  }

  stop(): void {
    this.stopped = true;
    this.listeners.clear();
  }

  /** Polls the batch until it settles (the job runs in the workers); stops on a refusal or when signed out. */
  private async follow(batchId: string): Promise<RecentBatch | null> {
    if (this.following.has(batchId)) return null;
    this.following.add(batchId);
    try {
      for (let delay = 300; !this.stopped; delay = Math.min(delay * 1.5, 2_000)) {
        try {
          const b = await this.api.batch(batchId);
          const base = this.list.find((x) => x.batchId === batchId);
          if (!base) return null;
          const line = { ...base, state: b.state, changed: b.counts?.changed ?? null, restored: b.undo?.counts.restored ?? null, changedSince: b.undo?.counts.changedSince ?? null };
          this.put(line);
          if (SETTLED.includes(b.state)) return line;
        } catch (error) {
          if (error instanceof ApiError && error.status === 401) this.onUnauthorized();
          // A refusal will not change by asking again; a network error might.
          if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) return null;
        }
        await new Promise((r) => setTimeout(r, delay));
      }
      return null;
    } finally {
      this.following.delete(batchId);
    }
  }

  private put(batch: RecentBatch): void {
    if (this.stopped) return;
    // Each line stays where it was: a batch goes on top only when it is new.
    const at = this.list.findIndex((b) => b.batchId === batch.batchId);
    this.list = at >= 0 ? this.list.map((b, i) => (i === at ? batch : b)) : [batch, ...this.list].slice(0, KEEP);
    this.save();
  }

  private save(): void {
    try {
      sessionStorage.setItem(this.key, JSON.stringify(this.list));
    } catch {
      /* private mode or full: the lines still show for this page */
    }
    for (const l of this.listeners) l(this.list);
  }

  private get key(): string {
    return `reply-section:console-batches:${this.who}`;
  }

  private load(): RecentBatch[] {
    try {
      const list = JSON.parse(sessionStorage.getItem(this.key) ?? '[]') as unknown;
      return Array.isArray(list) ? (list as RecentBatch[]).slice(0, KEEP) : [];
    } catch {
      return [];
    }
  }
}
