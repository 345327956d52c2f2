import type { mongo } from 'mongoose';
import { MODERATION_QUEUES, ModerationQueue, QUEUE_COUNTS_ID, QueueBucket, queueBucketId, QueueCounts, QueueEntry, QueueItem, QueueMeta, queueSet } from '../projections/moderation-queues.projection';
import { ViewCollections } from '../versions';
import { ViewNames } from '../view-names';
import { decodeCursor, encodeCursor, isIndex } from './cursors';

export type QueueOrder = 'newest' | 'oldest';

export interface QueuePage {
  queue: ModerationQueue;
  count: number;
  items: QueueItem[];
  nextCursor: string | null;
}

interface Cursor {
  s: string;
  o: QueueOrder;
  b: number;
  p: number;
}

/** Buckets one page may read: a page over a long stretch of emptied buckets goes on by cursor. */
const MAX_BUCKETS_PER_PAGE = 10;

/** Reads the moderation queues: every count in one lookup, a page in a bucket or a few. */
export class QueueReader {
  constructor(
    private readonly db: mongo.Db,
    private readonly names: ViewNames,
  ) {}

  private col<T extends { _id: string }>(logical: string) {
    return this.db.collection<T>(this.names.collection(logical));
  }

  /** Whether readers flagged the reply to the threshold since the last moderator's decision: one lookup. */
  async reported(replyId: string): Promise<boolean> {
    const entry = await this.col<QueueEntry>(ViewCollections.queueEntries).findOne({ _id: replyId });
    return entry?.reported === true;
  }

  async counts(): Promise<Record<ModerationQueue, number>> {
    const doc = await this.col<QueueCounts>(ViewCollections.queueCounts).findOne({ _id: QUEUE_COUNTS_ID });
    return Object.fromEntries(MODERATION_QUEUES.map((q) => [q, doc?.[q] ?? 0])) as Record<ModerationQueue, number>;
  }

  async page(queue: ModerationQueue, opts: { articleId?: string; order: QueueOrder; limit: number; cursor?: string }): Promise<QueuePage> {
    const set = queueSet(queue, opts.articleId);
    const cursor = opts.cursor ? decode(opts.cursor, set, opts.order) : null;
    const meta = await this.col<QueueMeta>(ViewCollections.queueMeta).findOne({ _id: set });
    if (!meta) return { queue, count: 0, items: [], nextCursor: null };
    const newest = opts.order === 'newest';
    const items: QueueItem[] = [];
    let b = cursor?.b ?? (newest ? meta.lastBucket : 0);
    let after = cursor?.p ?? null;
    for (let read = 0; read < MAX_BUCKETS_PER_PAGE && b >= 0 && b <= meta.lastBucket; read++) {
      const bucket = await this.col<QueueBucket>(ViewCollections.queueBuckets).findOne({ _id: queueBucketId(set, b) });
      const inOrder = [...(bucket?.items ?? [])].sort((x, y) => (newest ? y.position - x.position : x.position - y.position));
      for (const item of inOrder) {
        if (after !== null && (newest ? item.position >= after : item.position <= after)) continue;
        items.push(item);
        if (items.length === opts.limit) return { queue, count: meta.count, items, nextCursor: encode({ s: set, o: opts.order, b, p: item.position }) };
      }
      after = null;
      b += newest ? -1 : 1;
    }
    const more = b >= 0 && b <= meta.lastBucket;
    return { queue, count: meta.count, items, nextCursor: more ? encode({ s: set, o: opts.order, b, p: newest ? Number.MAX_SAFE_INTEGER : -1 }) : null };
  }
}

const encode = (c: Cursor) => encodeCursor(c);

const decode = (raw: string, set: string, order: QueueOrder): Cursor =>
  decodeCursor(raw, (c) => (c.s === set && c.o === order && isIndex(c.b) && isIndex(c.p, -1) ? { s: set, o: order, b: c.b, p: c.p } : null), 'cursor is not one this API gave out for this queue, article and order');
