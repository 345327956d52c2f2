import { ERASED_AUTHOR_NAME, noReactions, ReactionCounts } from '@app/domain';
import type { mongo } from 'mongoose';
import {
  ReplyPreview,
  ReplySummary,
  ThreadBucket,
  ThreadChildren,
  ThreadIndexEntry,
  ThreadMeta,
  ThreadTop,
  threadBucketId,
  threadChildrenId,
  threadMetaId,
  threadTopId,
} from '../projections/documents';
import { ViewCollections } from '../versions';
import { ViewNames } from '../view-names';
import { decodeCursor, encodeCursor, isIndex } from './cursors';
import { ViewDocumentCache } from './view-document-cache';

export type ThreadSort = 'newest' | 'oldest' | 'top';

/** What readers see of a reply: no ids of authors, no retracted or erased text. */
export interface ThreadReply {
  id: string;
  parentId: string | null;
  author: { name: string } | null;
  body: string;
  /**
   * `hidden`: held, rejected or spam, or hidden by readers' flags until a moderator decides;
   * kept as a placeholder for the published replies under it.
   */
  status: 'published' | 'retracted' | 'removed' | 'hidden';
  featured: boolean;
  submittedAt: string;
  editedAt: string | null;
  /** Published replies beneath it, at any depth. */
  replyCount: number;
  /** Readers' reactions per type; anonymous counts, kept on placeholders too. */
  reactions: ReactionCounts;
}

/** A reply with the first of its direct replies; `repliesCursor` pages the rest. */
export interface ThreadItem extends ThreadReply {
  replies: ThreadReply[];
  /** For `GET /replies/:id/replies?cursor=`: the direct replies after `replies`; null when there are none. */
  repliesCursor: string | null;
}

export interface ThreadPage {
  items: ThreadItem[];
  nextCursor: string | null;
}


interface Cursor {
  /** bucket, index within it (newest/oldest, a reply's replies); offset into the ranked list (top) */
  b: number;
  i: number;
  /** The reply whose replies it pages; absent for a thread page. */
  p?: string;
}

const encode = (c: Cursor) => encodeCursor(c);

/** A cursor this API gave out for this list (`parentId`: a reply's replies), or 400. */
function decode(raw: string | undefined, parentId?: string): Cursor | null {
  if (raw === undefined) return null;
  return decodeCursor(raw, (c) => (isIndex(c.b) && isIndex(c.i) && c.p === parentId ? { b: c.b, i: c.i, p: parentId } : null), 'cursor is not one this API gave out');
}

/**
 * Published replies (not hidden by readers' flags), and a placeholder for one that is not
 * (retracted, removed: its author erased, or hidden) and still has published replies; the
 * placeholder of a removed one names no one.
 */
function visibleReply(s: ReplyPreview): ThreadReply | null {
  const { id, parentId, submittedAt, replyCount } = s;
  const reactions = { ...noReactions(), ...s.reactions };
  if (s.status === 'published' && !s.hiddenByFlags) {
    return { id, parentId, author: { name: s.author.name }, body: s.body, status: 'published', featured: s.featured ?? false, submittedAt, editedAt: s.editedAt, replyCount, reactions };
  }
  if (replyCount === 0) return null;
  if (s.status === 'retracted') {
    return { id, parentId, author: null, body: '', status: 'retracted', featured: false, submittedAt, editedAt: null, replyCount, reactions };
  }
  if (s.status === 'removed') {
    return { id, parentId, author: { name: ERASED_AUTHOR_NAME }, body: '', status: 'removed', featured: false, submittedAt, editedAt: null, replyCount, reactions };
  }
  if (s.status !== 'checking') {
    return { id, parentId, author: null, body: '', status: 'hidden', featured: false, submittedAt, editedAt: null, replyCount, reactions };
  }
  return null;
}

const shown = <T>(x: T | null): x is T => x !== null;

export function visibleItem(s: ReplySummary): ThreadItem | null {
  const reply = visibleReply(s);
  if (!reply) return null;
  const more = s.childCount > s.preview.length;
  return {
    ...reply,
    replies: s.preview.map(visibleReply).filter(shown),
    repliesCursor: more ? encode({ b: 0, i: s.preview.length, p: s.id }) : null,
  };
}

/**
 * Reads a page of a thread from its bucket documents, each one `_id` lookup, through the
 * cache the writers' notices keep current (when there is one; never for time travel).
 */
export class ThreadReader {
  constructor(
    private readonly db: mongo.Db,
    private readonly names: ViewNames,
    private readonly cache: ViewDocumentCache | null = null,
  ) {}

  /** One view document by `_id`, from the cache when it holds it current. */
  private doc<T extends { _id: string }>(logical: string, id: string): Promise<T | null> {
    const collection = this.names.collection(logical);
    const load = () => this.db.collection<T>(collection).findOne({ _id: id } as never) as Promise<T | null>;
    return this.cache ? this.cache.get(collection, id, load) : load();
  }

  private bucket(articleId: string, b: number): Promise<ThreadBucket | null> {
    return this.doc<ThreadBucket>(ViewCollections.threadBuckets, threadBucketId(articleId, b));
  }

  private meta(articleId: string): Promise<ThreadMeta | null> {
    return this.doc<ThreadMeta>(ViewCollections.threadMeta, threadMetaId(articleId));
  }

  async page(articleId: string, sort: ThreadSort, limit: number, rawCursor?: string): Promise<ThreadPage> {
    const cursor = decode(rawCursor);
    if (sort === 'oldest') return this.oldest(articleId, limit, cursor ?? { b: 0, i: 0 });
    if (sort === 'top') return this.top(articleId, limit, cursor?.i ?? 0);
    const meta = cursor ? null : await this.meta(articleId);
    if (!cursor && !meta) return { items: [], nextCursor: null };
    return this.newest(articleId, limit, cursor ?? { b: meta!.lastBucket, i: meta!.lastBucketSize - 1 });
  }

  private oldest(articleId: string, limit: number, from: Cursor): Promise<ThreadPage> {
    return this.forward((b) => this.bucket(articleId, b), limit, from);
  }

  /**
   * A page of reply `replyId`'s direct replies, oldest first, from its children buckets: one
   * lookup, two when the page straddles buckets. Empty for a reply without any (or unknown:
   * the caller asks `knows` only then).
   */
  replies(replyId: string, limit: number, rawCursor?: string): Promise<ThreadPage> {
    const from = decode(rawCursor, replyId) ?? { b: 0, i: 0, p: replyId };
    return this.forward((b) => this.doc<ThreadChildren>(ViewCollections.threadChildren, threadChildrenId(replyId, b)), limit, from);
  }

  /** Whether the thread has seen this reply, public or not. */
  async knows(replyId: string): Promise<boolean> {
    return (await this.db.collection<ThreadIndexEntry>(this.names.collection(ViewCollections.threadIndex)).findOne({ _id: replyId })) !== null;
  }

  /** Reads buckets `from.b`, `from.b + 1`, ... until `limit` visible replies. */
  private async forward(load: (b: number) => Promise<{ items: ReplySummary[] } | null>, limit: number, from: Cursor): Promise<ThreadPage> {
    const items: ThreadItem[] = [];
    let { b, i } = from;
    for (;;) {
      const doc = await load(b);
      if (!doc) return { items, nextCursor: null };
      for (; i < doc.items.length; i++) {
        if (items.length === limit) return { items, nextCursor: encode({ b, i, p: from.p }) };
        const item = visibleItem(doc.items[i]);
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
        const item = visibleItem(doc.items[i]);
        if (item) items.push(item);
      }
      i = Number.MAX_SAFE_INTEGER;
    }
    return { items, nextCursor: null };
  }

  private async top(articleId: string, limit: number, offset: number): Promise<ThreadPage> {
    const doc = await this.doc<ThreadTop>(ViewCollections.threadTop, threadTopId(articleId));
    const all = doc?.top ?? [];
    const ranked = all.slice(offset, offset + limit);
    const buckets = new Map<number, Promise<ThreadBucket | null>>();
    for (const t of ranked) if (!buckets.has(t.bucket)) buckets.set(t.bucket, this.bucket(articleId, t.bucket));
    const items: ThreadItem[] = [];
    for (const t of ranked) {
      const doc = await buckets.get(t.bucket)!;
      const summary = doc?.items.find((s) => s.id === t.id);
      const item = summary && visibleItem(summary);
      if (item) items.push(item);
    }
    const next = offset + limit < all.length ? encode({ b: 0, i: offset + limit }) : null;
    return { items, nextCursor: next };
  }
}
