import type { mongo } from 'mongoose';
import { LogEntry } from './commit';
import { EventStoreCollections, LOG_PAGE_SIZE, LogPageDocument, logPageId } from './collections';
import { LogReader } from './ports';
import { UpcasterRegistry } from './upcasters';

/** Reads the log a page (one `_id` lookup) at a time. */
export class MongoLogReader implements LogReader {
  constructor(
    private readonly db: mongo.Db,
    private readonly upcasters: UpcasterRegistry,
  ) {}

  async readAfter(position: number, max: number): Promise<LogEntry[]> {
    const out: LogEntry[] = [];
    let next = position + 1;
    while (out.length < max) {
      const page = await this.db
        .collection<LogPageDocument>(EventStoreCollections.log)
        .findOne({ _id: logPageId(next) });
      const entries = (page?.entries ?? []).filter((e) => e.position >= next);
      for (const e of entries) {
        if (e.position !== next || out.length >= max) break;
        out.push({ ...e, events: e.events.map((ev) => this.upcasters.upcast(ev)) });
        next += 1;
      }
      // A partly filled page is the end of the log for now.
      if (entries.length === 0 || (next - 1) % LOG_PAGE_SIZE !== 0) break;
    }
    return out;
  }

  async head(): Promise<number> {
    const state = await this.db
      .collection<{ _id: string; position: number }>(EventStoreCollections.sequencer)
      .findOne({ _id: 'head' });
    return state?.position ?? 0;
  }
}
