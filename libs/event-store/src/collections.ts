import type { mongo } from 'mongoose';

type Db = mongo.Db;

export const EventStoreCollections = {
  commits: 'commits',
  inbox: 'inbox',
  log: 'log',
  sequencer: 'sequencer',
  checkpoints: 'checkpoints',
  snapshots: 'snapshots',
} as const;

/** Positions per log page: a consumer reads this many commits in one lookup. */
export const LOG_PAGE_SIZE = 100;

export const logPageId = (position: number): string =>
  String(Math.floor((position - 1) / LOG_PAGE_SIZE)).padStart(12, '0');

export interface LogPageDocument {
  _id: string;
  /** entries[i] holds position block * LOG_PAGE_SIZE + i + 1. */
  entries: import('./commit').LogEntry[];
}

export async function ensureEventStoreIndexes(db: Db): Promise<void> {
  // The sweep: commits with no position yet, oldest first.
  await db.collection(EventStoreCollections.commits).createIndex({ position: 1, recordedAt: 1 }, { name: 'sweep_unsequenced' });
  // The sequencer takes the inbox in arrival order.
  await db.collection(EventStoreCollections.inbox).createIndex({ recordedAt: 1 }, { name: 'inbox_order' });
}
