import { COMMENTER_LEDGER } from '@app/data-rights';
import { EventStoreCollections, LogEntry } from '@app/event-store';
import { applyEntries, BatchStore, CommenterRepliesProjection, liveProjections, Projection, ViewDocument, ViewNames } from '@app/read-models';
import type { mongo } from 'mongoose';
import { Writes } from '../rebuild/loader';

/** Entries applied at once: each document a batch touches is copied once, not per event. */
const BATCH = 2_000;
const DOCS_PER_CALL = 1_000;
/** The consumers with side effects (worker.module.ts): at the head, they fire nothing for the history. */
const SIDE_EFFECTS = [COMMENTER_LEDGER, 'screening-dispatcher@1', 'moderation-jobs@1'];

/**
 * Every view the worker keeps, built in memory by the projections' own code from the entries
 * as the log reader hands them over, then written once per document, with every consumer's
 * checkpoint at the head: the store as if the worker had followed the whole history live.
 */
export class HistoryViews {
  private readonly projections: Projection[] = [...liveProjections(), new CommenterRepliesProjection()];
  private readonly names = ViewNames.of(this.projections);
  /** Physical collection → `_id` → document. */
  private readonly docs = new Map<string, Map<string, ViewDocument>>();
  private pending: LogEntry[] = [];
  private head = 0;

  readonly add = async (entry: LogEntry): Promise<void> => {
    this.pending.push(entry);
    this.head = entry.position;
    if (this.pending.length >= BATCH) await this.flush();
  };

  private async flush(): Promise<void> {
    const entries = this.pending;
    this.pending = [];
    for (const projection of this.projections) {
      const store = new BatchStore(async (collection, id) => {
        const doc = this.collection(collection).get(id);
        return doc ? structuredClone(doc) : null;
      });
      await applyEntries(projection, entries, store);
      for (const [collection, doc] of store.changes(projection.collections)) this.collection(collection).set(doc._id, doc);
    }
  }

  private collection(logical: string): Map<string, ViewDocument> {
    const name = this.names.collection(logical);
    let docs = this.docs.get(name);
    if (!docs) this.docs.set(name, (docs = new Map()));
    return docs;
  }

  /** Writes every document and the checkpoints; returns how many documents. */
  async write(db: mongo.Db, onProgress?: (written: number) => void): Promise<number> {
    await this.flush();
    const writes = new Writes();
    let written = 0;
    for (const [name, docs] of this.docs) {
      const col = db.collection<ViewDocument>(name);
      let batch: ViewDocument[] = [];
      for (const doc of docs.values()) {
        batch.push({ ...doc, fence: 1 });
        if (batch.length >= DOCS_PER_CALL) {
          const b = batch;
          batch = [];
          await writes.add(() => col.insertMany(b, { ordered: false }));
          written += b.length;
          if (written % 100_000 < DOCS_PER_CALL) onProgress?.(written);
        }
      }
      if (batch.length) await writes.add(() => col.insertMany(batch, { ordered: false }));
      written += batch.length;
      // Memory back as each collection goes out.
      docs.clear();
    }
    await writes.drain();
    const consumers = [...liveProjections().map((p) => this.names.consumerName(p)), ...SIDE_EFFECTS];
    await db.collection<{ _id: string }>(EventStoreCollections.checkpoints).insertMany(consumers.map((_id) => ({ _id, position: this.head, fence: 1, parked: [] })));
    return written;
  }

  /** Documents per physical collection, for the report. */
  sizes(): Record<string, number> {
    return Object.fromEntries([...this.docs].map(([name, docs]) => [name, docs.size]));
  }
}
