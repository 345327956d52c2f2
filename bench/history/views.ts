import { EventStoreCollections, LogEntry } from '@app/event-store';
import { applyEntries, BatchStore, CommenterRepliesProjection, liveProjections, Projection, ViewDocument, ViewNames } from '@app/read-models';
import type { mongo } from 'mongoose';
import { Writes } from '../rebuild/loader';
import { liveConsumers } from '../system';

/** Entries applied at once: each document a batch touches is copied once, not per event. */
const BATCH = 2_000;
/**
 * A document nobody touched for this many entries goes to the store and leaves memory (a
 * million replies' views do not fit): most are a reply's own, done once it is screened. One
 * touched again later is read back.
 */
const KEEP_ENTRIES = Number(process.env.BENCH_HISTORY_KEEP_ENTRIES ?? 100_000);
const DOCS_PER_CALL = 1_000;
/** Replacements in flight within one write. */
const PARALLEL_REPLACES = 20;

interface Kept {
  doc: ViewDocument;
  /** Position of the last entry that changed it. */
  touched: number;
}

/**
 * Every view the worker keeps, built by the projections' own code from the entries as the log
 * reader hands them over, each document written when it has gone quiet, with every consumer's
 * checkpoint at the head: the store as if the worker had followed the whole history live.
 */
export class HistoryViews {
  private readonly projections: Projection[] = [...liveProjections(), new CommenterRepliesProjection()];
  private readonly names = ViewNames.of(this.projections);
  /** Physical collection → `_id` → document, while it may still change. */
  private readonly kept = new Map<string, Map<string, Kept>>();
  /** Physical collection → the `_id`s already in the store. */
  private readonly stored = new Map<string, Set<string>>();
  private readonly counts = new Map<string, number>();
  private readonly writes = new Writes();
  private pending: LogEntry[] = [];
  private head = 0;
  private spilledAt = 0;
  written = 0;
  readBack = 0;

  constructor(private readonly db: mongo.Db) {}

  readonly add = async (entry: LogEntry): Promise<void> => {
    this.pending.push(entry);
    this.head = entry.position;
    if (this.pending.length >= BATCH) await this.flush();
    if (this.head - this.spilledAt >= KEEP_ENTRIES) {
      this.spilledAt = this.head;
      await this.spill(this.head - KEEP_ENTRIES);
    }
  };

  private async flush(): Promise<void> {
    const entries = this.pending;
    this.pending = [];
    for (const projection of this.projections) {
      const store = new BatchStore(async (logical, id) => {
        const name = this.names.collection(logical);
        const kept = this.of(this.kept, name, () => new Map<string, Kept>()).get(id);
        if (kept) return structuredClone(kept.doc);
        if (!this.of(this.stored, name, () => new Set<string>()).has(id)) return null;
        // Gone quiet and written: read back once its write has landed.
        this.readBack += 1;
        await this.writes.drain();
        const { fence: _, ...doc } = (await this.db.collection<ViewDocument>(name).findOne({ _id: id }))!;
        return doc;
      });
      await applyEntries(projection, entries, store);
      for (const [logical, doc] of store.changes(projection.collections)) {
        const name = this.names.collection(logical);
        this.of(this.kept, name, () => new Map<string, Kept>()).set(doc._id, { doc, touched: this.head });
      }
    }
  }

  private of<V>(map: Map<string, V>, name: string, make: () => V): V {
    let value = map.get(name);
    if (value === undefined) map.set(name, (value = make()));
    return value;
  }

  /** Writes the documents last changed before `before` (all: Infinity) and forgets them. */
  private async spill(before: number): Promise<void> {
    for (const [name, docs] of this.kept) {
      const stored = this.of(this.stored, name, () => new Set<string>());
      const col = this.db.collection<ViewDocument>(name);
      let inserts: ViewDocument[] = [];
      let replaces: ViewDocument[] = [];
      const send = async () => {
        const [i, r] = [inserts, replaces];
        [inserts, replaces] = [[], []];
        if (i.length) await this.writes.add(() => col.insertMany(i, { ordered: false }));
        for (let k = 0; k < r.length; k += PARALLEL_REPLACES) {
          const slice = r.slice(k, k + PARALLEL_REPLACES);
          await this.writes.add(() => Promise.all(slice.map(({ _id, ...fields }) => col.replaceOne({ _id }, fields))));
        }
      };
      for (const [id, { doc, touched }] of docs) {
        if (touched >= before) continue;
        docs.delete(id);
        (stored.has(id) ? replaces : inserts).push({ ...doc, fence: 1 });
        if (!stored.has(id)) this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
        stored.add(id);
        this.written += 1;
        if (inserts.length >= DOCS_PER_CALL || replaces.length >= DOCS_PER_CALL) await send();
      }
      await send();
    }
  }

  /** Writes what is left, then the checkpoints at the head. */
  async finish(): Promise<void> {
    await this.flush();
    await this.spill(Infinity);
    await this.writes.drain();
    // Every consumer at the head: the side effects fire nothing for the history.
    const consumers = liveConsumers();
    await this.db.collection<{ _id: string }>(EventStoreCollections.checkpoints).insertMany(consumers.map((_id) => ({ _id, position: this.head, fence: 1, parked: [] })));
  }

  /** Documents per physical collection, for the report. */
  sizes(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
