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

  /** The remembered write's position when it is later than the document as read (rolled back), else null. */
  laterWrite(collection: string, id: string, position: number, eventIndex: number): number | null {
    const mine = this.recent.get(collection)?.get(id) ?? this.older.get(collection)?.get(id);
    if (mine === undefined) return null;
    const minePosition = Math.floor(mine / INDEXES);
    const mineIndex = mine - minePosition * INDEXES;
    return position < minePosition || (position === minePosition && eventIndex < mineIndex) ? minePosition : null;
  }

  forget(collection: string, id: string): void {
    if (this.recent.get(collection)?.delete(id)) this.recentSize -= 1;
    if (this.older.get(collection)?.delete(id)) this.olderSize -= 1;
  }
}

/**
 * Event indexes per position in the packed number: exact for positions below 2^33 (beyond, a
 * rounded number can only miss a rollback, never report one).
 */
const INDEXES = 2 ** 20;

/** One number ordered as (position, eventIndex); an index past the range compares as its last. */
function pack(position: number, eventIndex: number): number {
  return position * INDEXES + Math.min(Math.max(eventIndex, 0), INDEXES - 1);
}
