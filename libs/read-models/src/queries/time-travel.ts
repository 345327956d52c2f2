import { LogEntry, LogReader } from '@app/event-store';
import type { mongo } from 'mongoose';
import { applyEntries, BatchStore } from '../projections/projection-runner';
import { ViewDocument } from '../projections/projection';
import { ThreadProjection } from '../projections/thread.projection';
import { ViewNames } from '../view-names';
import { ThreadPage, ThreadReader, ThreadSort } from './thread.reader';

/** Log entries read per round trip while replaying up to the moment asked for. */
const READ_BATCH = 1_000;

/** Whether an entry touches the article: every event a thread reads names its article. */
const isAbout = (entry: LogEntry, articleId: string) => entry.events.some((e) => (e.data as { articleId?: unknown } | null)?.articleId === articleId);

/**
 * The thread as readers saw it at a moment: the thread projection replayed in memory over the
 * log up to the last position sequenced by then (sequencing times never go back along the log),
 * read by the same reader as the live view. It reads the log from the start on every request:
 * for moderators and admins looking back, not for readers' traffic.
 */
export class TimeTravel {
  private readonly projection = new ThreadProjection();
  private readonly names = ViewNames.of([this.projection]);

  constructor(private readonly log: LogReader) {}

  async threadAsOf(articleId: string, asOf: Date, sort: ThreadSort, limit: number, cursor?: string): Promise<ThreadPage & { asOf: string; position: number }> {
    // Starts from nothing; every document the replay writes stays in this store.
    const store = new BatchStore(async () => null);
    let position = 0;
    for (let done = false; !done; ) {
      const entries = await this.log.readAfter(position, READ_BATCH);
      if (entries.length === 0) break;
      const upTo = entries.findIndex((e) => e.sequencedAt.getTime() > asOf.getTime());
      const taken = upTo === -1 ? entries : entries.slice(0, upTo);
      done = upTo !== -1;
      await applyEntries(this.projection, taken.filter((e) => isAbout(e, articleId)), store);
      if (taken.length > 0) position = taken[taken.length - 1].position;
    }
    const docs = new Map<string, ViewDocument>();
    for (const [c, doc] of store.changes(this.projection.collections)) docs.set(`${c}/${doc._id}`, doc);
    const reader = new ThreadReader(inMemoryDb(docs, this.names, this.projection.collections) as mongo.Db, this.names);
    return { ...(await reader.page(articleId, sort, limit, cursor)), asOf: asOf.toISOString(), position };
  }
}

/** Just enough of a database for the reader: `_id` lookups in the replayed documents. */
function inMemoryDb(docs: Map<string, ViewDocument>, names: ViewNames, collections: readonly string[]) {
  const logical = new Map(collections.map((c) => [names.collection(c), c]));
  return {
    collection: (name: string) => ({
      findOne: async (filter: { _id: string }) => docs.get(`${logical.get(name)}/${filter._id}`) ?? null,
    }),
  };
}
