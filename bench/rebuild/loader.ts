import { Actor, PERSONAL_FIELDS } from '@app/domain';
import {
  blockEnd,
  CommitDocument,
  DataKeys,
  ensureEventStoreIndexes,
  EventStoreCollections,
  LOG_PAGE_SIZE,
  LogChunkDocument,
  logChunkId,
  LogEntry,
  LogPageDocument,
  logPageId,
  MongoDataKeys,
  PersonalDataCipher,
} from '@app/event-store';
import type { mongo } from 'mongoose';
import { History, HistoryCommit } from './history';
import { Random } from './random';

export const COMMENTERS = 2_000;
/** Documents per insertMany: about a megabyte of commits, or of log entries. */
const COMMITS_PER_CALL = 1_000;
const ENTRIES_PER_CALL = 1_000;
/** insertMany calls in flight: the next batch is built and sealed while these are written. */
const IN_FLIGHT = 3;

export interface Loaded {
  events: number;
  entries: number;
  seconds: number;
}

/** Keys made (and stored) by MongoDataKeys, kept here so sealing needs no lookup. */
class KnownKeys implements DataKeys {
  readonly keys = new Map<string, Buffer>();
  constructor(private readonly store: MongoDataKeys) {}
  async create() {
    const made = await this.store.create();
    this.keys.set(made.keyId, made.key);
    return made;
  }
  async get(keyId: string) {
    return this.keys.get(keyId) ?? null;
  }
  async destroy(keyId: string) {
    await this.store.destroy(keyId);
    this.keys.delete(keyId);
  }
}

/** Writes without waiting for each call, at most IN_FLIGHT at once; the first error ends the load. */
export class Writes {
  private readonly pending = new Set<Promise<unknown>>();
  private failure: unknown = null;

  async add(write: () => Promise<unknown>): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.pending.size >= IN_FLIGHT) await Promise.race(this.pending);
    const p = write().catch((error) => void (this.failure ??= error));
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  async drain(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure;
  }
}

/**
 * Writes `events` events of a site's history into an empty database in the event store's
 * own format, as if the API had appended them and the sequencer had sequenced them: commits
 * with their positions, the log as chunks (sequencing rounds of 1 to 40 entries, never
 * across a block) and a page per complete block, and the sequencer's head. Personal fields
 * are sealed with each commenter's data key, as with encryption on (the default).
 */
export async function loadHistory(db: mongo.Db, events: number, dataKeySecret: string, onProgress?: (events: number) => void): Promise<Loaded> {
  return loadCommits(db, (commenters) => new History(events, commenters).commits(), dataKeySecret, { onProgress });
}

export interface LoadOptions {
  /** Commenters to make (each with a data key). */
  commenters?: number;
  onProgress?: (events: number) => void;
  /** Each log entry as the log reader would hand it over (personal fields in the clear), in order. */
  onEntry?: (entry: LogEntry) => Promise<void> | void;
}

/** Writes the commits `history` makes for the commenters given, as `loadHistory` describes. */
export async function loadCommits(db: mongo.Db, history: (commenters: Actor[]) => Iterable<HistoryCommit>, dataKeySecret: string, options: LoadOptions = {}): Promise<Loaded> {
  const { onProgress, onEntry } = options;
  const commenterCount = options.commenters ?? COMMENTERS;
  const started = performance.now();
  await ensureEventStoreIndexes(db);
  const keys = new KnownKeys(new MongoDataKeys(db, dataKeySecret));
  const commenters: Actor[] = [];
  for (let i = 0; i < commenterCount; i += 50) {
    const made = await Promise.all(Array.from({ length: Math.min(50, commenterCount - i) }, () => keys.create()));
    made.forEach(({ keyId }, j) => commenters.push((i + j) % 10 === 9 ? { kind: 'guest', id: keyId, name: `Guest ${i + j}` } : { kind: 'reader', id: keyId, name: `Reader ${i + j}` }));
  }
  const cipher = new PersonalDataCipher(keys, PERSONAL_FIELDS, true);
  const commits = db.collection<CommitDocument>(EventStoreCollections.commits);
  const chunks = db.collection<LogChunkDocument>(EventStoreCollections.logChunks);
  const pages = db.collection<LogPageDocument>(EventStoreCollections.logPages);
  const writes = new Writes();
  const rounds = new Random(7);
  const heads = new Map<string, string>();

  let commitBatch: CommitDocument[] = [];
  let chunkBatch: LogChunkDocument[] = [];
  let pageBatch: LogPageDocument[] = [];
  let chunkEntries = 0;
  let pageEntries = 0;
  let round: LogEntry[] = [];
  let roundSize = 1;
  let block: LogEntry[] = [];
  let position = 0;
  let count = 0;
  let lastSequencedAt = 0;

  const flushCommits = async () => {
    const batch = commitBatch;
    commitBatch = [];
    if (batch.length) await writes.add(() => commits.insertMany(batch, { ordered: false }));
  };
  const flushLog = async () => {
    const [c, p] = [chunkBatch, pageBatch];
    [chunkBatch, pageBatch, chunkEntries, pageEntries] = [[], [], 0, 0];
    if (c.length) await writes.add(() => chunks.insertMany(c, { ordered: false }));
    if (p.length) await writes.add(() => pages.insertMany(p, { ordered: false }));
  };
  const endRound = () => {
    if (round.length === 0) return;
    chunkBatch.push({ _id: logChunkId(round[0].position), first: round[0].position, last: round[round.length - 1].position, entries: round, fence: 1 });
    chunkEntries += round.length;
    round = [];
    roundSize = 1 + rounds.int(40);
  };

  for (const c of history(commenters)) {
    position += 1;
    count += c.events.length;
    const id = `${c.streamId}:${c.version}`;
    const sealed = await cipher.seal(id, c.events.map(({ type, schemaVersion, data }) => ({ type, schemaVersion, data })), c.metadata.actor);
    // Sequenced a moment after it was recorded; never before the entry ahead of it.
    const sequencedAt = new Date((lastSequencedAt = Math.max(lastSequencedAt, c.recordedAt.getTime() + 40)));
    commitBatch.push({ _id: id, streamId: c.streamId, version: c.version, previous: heads.get(c.streamId) ?? null, ...(c.dependsOn ? { dependsOn: c.dependsOn } : {}), events: sealed, recordedAt: c.recordedAt, metadata: c.metadata, position, sequencedAt });
    heads.set(c.streamId, id);
    const entry: LogEntry = { position, commitId: id, streamId: c.streamId, version: c.version, events: sealed, recordedAt: c.recordedAt, sequencedAt, metadata: c.metadata };
    await onEntry?.({ ...entry, events: c.events });
    round.push(entry);
    block.push(entry);
    if (round.length >= roundSize || position === blockEnd(position)) endRound();
    if (block.length === LOG_PAGE_SIZE) {
      pageBatch.push({ _id: logPageId(position), entries: block });
      pageEntries += block.length;
      block = [];
    }
    if (commitBatch.length >= COMMITS_PER_CALL) await flushCommits();
    if (chunkEntries >= ENTRIES_PER_CALL || pageEntries >= ENTRIES_PER_CALL) await flushLog();
    if (position % 10_000 === 0) onProgress?.(count);
  }
  endRound();
  await flushCommits();
  await flushLog();
  await writes.drain();
  // Last: with the head written, the log is complete for any reader.
  await db.collection(EventStoreCollections.sequencer).insertOne({ _id: 'head' as never, position, fence: 1 });
  return { events: count, entries: position, seconds: (performance.now() - started) / 1000 };
}
