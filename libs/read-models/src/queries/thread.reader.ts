import type { mongo } from 'mongoose';
import { ReplySummary, ThreadBucket, ThreadMeta, ThreadTop, threadBucketId, threadMetaId, threadTopId } from '../projections/documents';
import { ViewCollections } from '../versions';
import { ViewNames } from '../view-names';

export type ThreadSort = 'newest' | 'oldest' | 'top';

/** What readers see of a reply: no ids of authors, no retracted text. */
export interface ThreadItem {
  id: string;
  parentId: string | null;
  author: { name: string } | null;
  body: string;
  status: 'published' | 'retracted';
  submittedAt: string;
  editedAt: string | null;
  replyCount: number;
  replies: ThreadItem[];
}

export interface ThreadPage {
  items: ThreadItem[];
  nextCursor: string | null;
}

export class InvalidCursorError extends Error {}

interface Cursor {
  /** bucket, index within it (newest/oldest); offset into the ranked list (top) */
  b: number;
  i: number;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decode(raw: string | undefined): Cursor | null {
  if (raw === undefined) return null;
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
    if (Number.isInteger(c.b) && Number.isInteger(c.i) && c.b >= 0 && c.i >= 0) return { b: c.b, i: c.i };
  } catch {
    // fall through
  }
  throw new InvalidCursorError('cursor is not one this API gave out');
}

/** Published replies, and a placeholder for a retracted one that still has published replies. */
export function visibleTree(s: ReplySummary): ThreadItem | null {
  const replies = s.replies.map(visibleTree).filter((r): r is ThreadItem => r !== null);
  if (s.status === 'published') {
    return {
      id: s.id,
      parentId: s.parentId,
      author: { name: s.author.name },
      body: s.body,
      status: 'published',
      submittedAt: s.submittedAt,
      editedAt: s.editedAt,
      replyCount: s.replyCount,
      replies,
    };
  }
  if (s.status === 'retracted' && replies.length > 0) {
    return { id: s.id, parentId: s.parentId, author: null, body: '', status: 'retracted', submittedAt: s.submittedAt, editedAt: null, replyCount: s.replyCount, replies };
  }
  return null;
}

/** Reads a page of a thread from its bucket documents, each one `_id` lookup. */
export class ThreadReader {
  constructor(
    private readonly db: mongo.Db,
    private readonly names: ViewNames,
  ) {}

  private bucket(articleId: string, b: number): Promise<ThreadBucket | null> {
    return this.db.collection<ThreadBucket>(this.names.collection(ViewCollections.threadBuckets)).findOne({ _id: threadBucketId(articleId, b) });
  }

  private meta(articleId: string): Promise<ThreadMeta | null> {
    return this.db.collection<ThreadMeta>(this.names.collection(ViewCollections.threadMeta)).findOne({ _id: threadMetaId(articleId) });
  }

  async page(articleId: string, sort: ThreadSort, limit: number, rawCursor?: string): Promise<ThreadPage> {
    const cursor = decode(rawCursor);
    if (sort === 'oldest') return this.oldest(articleId, limit, cursor ?? { b: 0, i: 0 });
    if (sort === 'top') return this.top(articleId, limit, cursor?.i ?? 0);
    const meta = cursor ? null : await this.meta(articleId);
    if (!cursor && !meta) return { items: [], nextCursor: null };
    return this.newest(articleId, limit, cursor ?? { b: meta!.lastBucket, i: meta!.lastBucketSize - 1 });
  }

  private async oldest(articleId: string, limit: number, from: Cursor): Promise<ThreadPage> {
    const items: ThreadItem[] = [];
    let { b, i } = from;
    for (;;) {
      const doc = await this.bucket(articleId, b);
      if (!doc) return { items, nextCursor: null };
      for (; i < doc.items.length; i++) {
        if (items.length === limit) return { items, nextCursor: encode({ b, i }) };
        const item = visibleTree(doc.items[i]);
        if (item) items.push(item);
      }
      b += 1;
      i = 0;
    }
  }

  private async newest(articleId: string, limit: number, from: Cursor): Promise<ThreadPage> {
    const items: ThreadItem[] = [];
    let { b, i } = from;
    for (; b >= 0; b--) {
      const doc = await this.bucket(articleId, b);
      if (!doc) break;
      if (i >= doc.items.length) i = doc.items.length - 1;
      for (; i >= 0; i--) {
        if (items.length === limit) return { items, nextCursor: encode({ b, i }) };
        const item = visibleTree(doc.items[i]);
        if (item) items.push(item);
      }
      i = Number.MAX_SAFE_INTEGER;
    }
    return { items, nextCursor: null };
  }

  private async top(articleId: string, limit: number, offset: number): Promise<ThreadPage> {
    const doc = await this.db.collection<ThreadTop>(this.names.collection(ViewCollections.threadTop)).findOne({ _id: threadTopId(articleId) });
    const all = doc?.top ?? [];
    const ranked = all.slice(offset, offset + limit);
    const buckets = new Map<number, Promise<ThreadBucket | null>>();
    for (const t of ranked) if (!buckets.has(t.bucket)) buckets.set(t.bucket, this.bucket(articleId, t.bucket));
    const items: ThreadItem[] = [];
    for (const t of ranked) {
      const doc = await buckets.get(t.bucket)!;
      const summary = doc?.items.find((s) => s.id === t.id);
      const item = summary && visibleTree(summary);
      if (item) items.push(item);
    }
    const next = offset + limit < all.length ? encode({ b: 0, i: offset + limit }) : null;
    return { items, nextCursor: next };
  }
}
