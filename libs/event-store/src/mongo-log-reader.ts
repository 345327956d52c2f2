import type { mongo } from 'mongoose';
import { LogEntry } from './commit';
import { blockStart, EventStoreCollections, LogChunkDocument, logChunkId, LogPageDocument, logPageId } from './collections';
import { LogReader } from './ports';
import { UpcasterRegistry } from './upcasters';
import { PersonalDataCipher } from './personal-data';

/**
 * Reads the log by `_id` lookups only: a complete block from its page, the rest chunk by
 * chunk. A reader that stops at a chunk's end (every consumer does) reads on with one lookup.
 */
export class MongoLogReader implements LogReader {
  /** Positions where a chunk is known to end: past one, a missing chunk means the end of the log. */
  private readonly chunkEnds = new Set<number>([0]);

  constructor(
    private readonly db: mongo.Db,
    private readonly upcasters: UpcasterRegistry,
    private readonly cipher: PersonalDataCipher,
  ) {}

  private get chunks() {
    return this.db.collection<LogChunkDocument>(EventStoreCollections.logChunks);
  }

  private get pages() {
    return this.db.collection<LogPageDocument>(EventStoreCollections.logPages);
  }

  async readAfter(position: number, max: number): Promise<LogEntry[]> {
    const read: LogEntry[] = [];
    let next = position + 1;
    while (read.length < max) {
      const entries = await this.entriesFrom(next);
      if (entries.length === 0) break;
      read.push(...entries);
      next = entries[entries.length - 1].position + 1;
    }
    // Each author's key once per read, not once per event.
    const keys = await this.cipher.keysFor(read.map((e) => e.events));
    return Promise.all(
      read.map(async (e) => ({ ...e, events: (await this.cipher.open(e.commitId, e.events, keys)).map((ev) => this.upcasters.upcast(ev)) })),
    );
  }

  /** Entries from `next` to the end of the chunk or page holding it; none past the log's end. */
  private async entriesFrom(next: number): Promise<LogEntry[]> {
    if (next === blockStart(next)) {
      const page = await this.pages.findOne({ _id: logPageId(next) });
      if (page) return page.entries;
    }
    const chunk = await this.chunks.findOne({ _id: logChunkId(next) });
    if (chunk) return this.seen(chunk).entries;
    if (this.chunkEnds.has(next - 1) || next === blockStart(next)) return [];
    // `next` is inside a chunk, or past the end: a page, else walk the block's chunks.
    const page = await this.pages.findOne({ _id: logPageId(next) });
    if (page) return page.entries.filter((e) => e.position >= next);
    let at = blockStart(next);
    for (;;) {
      const c = await this.chunks.findOne({ _id: logChunkId(at) });
      if (!c) return [];
      this.seen(c);
      if (c.last >= next) return c.entries.filter((e) => e.position >= next);
      at = c.last + 1;
    }
  }

  private seen(chunk: LogChunkDocument): LogChunkDocument {
    if (this.chunkEnds.size > 100_000) this.chunkEnds.clear(), this.chunkEnds.add(0);
    this.chunkEnds.add(chunk.last);
    return chunk;
  }

  async head(): Promise<number> {
    const state = await this.db
      .collection<{ _id: string; position: number }>(EventStoreCollections.sequencer)
      .findOne({ _id: 'head' });
    return state?.position ?? 0;
  }
}
