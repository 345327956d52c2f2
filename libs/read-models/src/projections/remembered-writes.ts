/**
 * Where a projector last wrote its most recent documents (decision 0025, layer 3): a document
 * read back older than that was rolled back by a late write.
 *
 * Kept in two generations of at most `perGeneration` documents each: when the newer one is
 * full, the older is dropped and the newer takes its place. So the latest `perGeneration` to
 * twice that many writes are remembered, and the memory stays small (issue 9, item 6): ids
 * are the documents' own strings, per collection, and position and event index are packed in
 * one number.
 */
export class RememberedWrites {
  private recent = new Map<string, Map<string, number>>();
  private older = new Map<string, Map<string, number>>();
  private recentSize = 0;
  private olderSize = 0;

  constructor(private readonly perGeneration: number) {}

  /** Documents remembered, a document in both generations counted twice. */
  get size(): number {
    return this.recentSize + this.olderSize;
  }

  remember(collection: string, id: string, position: number, eventIndex: number): void {
    if (this.recentSize >= this.perGeneration) {
      this.older = this.recent;
      this.olderSize = this.recentSize;
      this.recent = new Map();
      this.recentSize = 0;
    }
    let ids = this.recent.get(collection);
    if (!ids) this.recent.set(collection, (ids = new Map()));
    if (!ids.has(id)) this.recentSize += 1;
    // A copy in the older generation goes with it; lookups look at the newer one first.
    ids.set(id, pack(position, eventIndex));
  }

  /** The remembered position when the document as read is older than the write (rolled back), else null. */
  rolledBack(collection: string, id: string, position: number, eventIndex: number): number | null {
    const mine = this.recent.get(collection)?.get(id) ?? this.older.get(collection)?.get(id);
    return mine !== undefined && pack(position, eventIndex) < mine ? Math.floor(mine / INDEXES) : null;
  }

  forget(collection: string, id: string): void {
    if (this.recent.get(collection)?.delete(id)) this.recentSize -= 1;
    if (this.older.get(collection)?.delete(id)) this.olderSize -= 1;
  }
}

/** Event indexes per position in the packed number: exact for positions below 2^33. */
const INDEXES = 2 ** 20;

/** One number ordered as (position, eventIndex); an index past the range compares as its last. */
function pack(position: number, eventIndex: number): number {
  return position * INDEXES + Math.min(eventIndex, INDEXES - 1);
}
