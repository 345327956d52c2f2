import type { mongo } from 'mongoose';
import type { LogEntry } from './commit';

type Db = mongo.Db;

export const EventStoreCollections = {
  commits: 'commits',
  inbox: 'inbox',
  /** Immutable chunks, one per sequencing round and block: the log's truth. */
  logChunks: 'log_chunks',
  /** Immutable copies of complete blocks, so a long read takes one lookup per block. */
  logPages: 'log_pages',
  sequencer: 'sequencer',
  checkpoints: 'checkpoints',
  deadLetters: 'dead_letters',
  deadLetterRetries: 'dead_letter_retries',
  /** Late writes a lease holder reported: its consumer replays from each one's position. */
  lateWrites: 'late_writes',
  snapshots: 'snapshots',
} as const;

/** Positions per block: a chunk never crosses a block's end, and a complete block becomes a page. */
export const LOG_PAGE_SIZE = 100;

const pad = (n: number) => String(n).padStart(12, '0');

/** `_id` of the chunk whose first entry is at `position`. */
export const logChunkId = (position: number): string => pad(position);
/** `_id` of the page holding `position`. */
export const logPageId = (position: number): string => pad(Math.floor((position - 1) / LOG_PAGE_SIZE));
/** The first position of the block holding `position`. */
export const blockStart = (position: number): number => Math.floor((position - 1) / LOG_PAGE_SIZE) * LOG_PAGE_SIZE + 1;
export const blockEnd = (position: number): number => blockStart(position) + LOG_PAGE_SIZE - 1;

/**
 * One sequencing round's entries within one block, inserted once and never changed. Its `_id`
 * is its first position, so a second writer for that position fails on the insert (11000).
 */
export interface LogChunkDocument {
  _id: string;
  first: number;
  last: number;
  entries: LogEntry[];
  /** Fencing token of the sequencer that wrote it, for the record. */
  fence: number;
}

/** A complete block of LOG_PAGE_SIZE entries, copied from its chunks; also insert-only. */
export interface LogPageDocument {
  _id: string;
  entries: LogEntry[];
}

export async function ensureEventStoreIndexes(db: Db): Promise<void> {
  // announceUnsequenced (admin, after an upgrade): commits with no position yet.
  await db.collection(EventStoreCollections.commits).createIndex({ position: 1, recordedAt: 1 }, { name: 'sweep_unsequenced' });
  // The sequencer takes the inbox in arrival order.
  await db.collection(EventStoreCollections.inbox).createIndex({ recordedAt: 1 }, { name: 'inbox_order' });
  // A consumer's holder looks for the late writes reported against it.
  await db.collection(EventStoreCollections.lateWrites).createIndex({ consumer: 1 }, { name: 'late_writes_by_consumer' });
}
