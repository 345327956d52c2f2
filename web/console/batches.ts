import { BulkAction } from './api';

/** A bulk decision this moderator made, kept for this tab so its Undo stays offered across sections and reloads. */
export interface RecentBatch {
  batchId: string;
  action: BulkAction;
  total: number;
  state: string;
  changed: number | null;
  restored: number | null;
  changedSince: number | null;
}

const KEY = 'reply-section:console-batches';
const KEEP = 10;

export function savedBatches(): RecentBatch[] {
  try {
    const list = JSON.parse(sessionStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? (list as RecentBatch[]).slice(0, KEEP) : [];
  } catch {
    return [];
  }
}

export const saveBatches = (list: RecentBatch[]) => sessionStorage.setItem(KEY, JSON.stringify(list.slice(0, KEEP)));

export const PAST: Record<string, string> = { approve: 'Approved', reject: 'Rejected', spam: 'Marked as spam', feature: 'Featured', unfeature: 'Unfeatured' };
