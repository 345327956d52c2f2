import type { mongo } from 'mongoose';
import { logBucketId, ModerationLogBucket, ModerationLogEntry, ModerationLogMeta } from '../projections/moderation-log.projection';
import { ViewCollections } from '../versions';
import { ViewNames } from '../view-names';
import { decodeCursor, encodeCursor, isIndex } from './cursors';

export interface ModerationLogPage {
  entries: ModerationLogEntry[];
  nextCursor: string | null;
}

interface Cursor {
  l: string;
  a: string | null;
  b: number;
  i: number;
}

/** Buckets one page may read when a filter leaves most entries out; the cursor goes on. */
const MAX_BUCKETS_PER_PAGE = 5;

/** The moderation log, newest first: by moderator, by article, or everything. */
export class ModerationLogReader {
  constructor(
    private readonly db: mongo.Db,
    private readonly names: ViewNames,
  ) {}

  async page(opts: { articleId?: string; moderator?: string; limit: number; cursor?: string }): Promise<ModerationLogPage> {
    // One list read; the other filter, when both are given, is applied to what it holds.
    const list = opts.moderator !== undefined ? `moderator:${opts.moderator}` : opts.articleId !== undefined ? `article:${opts.articleId}` : 'all';
    const alsoArticle = opts.moderator !== undefined ? (opts.articleId ?? null) : null;
    const cursor = opts.cursor ? decode(opts.cursor, list, alsoArticle) : null;
    const meta = await this.db.collection<ModerationLogMeta>(this.names.collection(ViewCollections.logMeta)).findOne({ _id: list });
    if (!meta) return { entries: [], nextCursor: null };
    const buckets = this.db.collection<ModerationLogBucket>(this.names.collection(ViewCollections.logBuckets));
    const entries: ModerationLogEntry[] = [];
    let b = cursor?.b ?? meta.lastBucket;
    let i = cursor?.i ?? null;
    for (let read = 0; read < MAX_BUCKETS_PER_PAGE && b >= 0; read++) {
      const doc = await buckets.findOne({ _id: logBucketId(list, b) });
      const all = doc?.entries ?? [];
      for (let k = Math.min(i ?? all.length - 1, all.length - 1); k >= 0; k--) {
        const e = all[k];
        if (alsoArticle !== null && e.articleId !== alsoArticle) continue;
        entries.push(e);
        if (entries.length === opts.limit) {
          const next = k > 0 ? { b, i: k - 1 } : { b: b - 1, i: Number.MAX_SAFE_INTEGER };
          return { entries, nextCursor: next.b >= 0 ? encode({ l: list, a: alsoArticle, ...next }) : null };
        }
      }
      i = null;
      b -= 1;
    }
    return { entries, nextCursor: b >= 0 ? encode({ l: list, a: alsoArticle, b, i: Number.MAX_SAFE_INTEGER }) : null };
  }
}

const encode = (c: Cursor) => encodeCursor(c);

const decode = (raw: string, list: string, article: string | null): Cursor =>
  decodeCursor(raw, (c) => (c.l === list && c.a === article && isIndex(c.b) && isIndex(c.i) ? { l: list, a: article, b: c.b, i: c.i } : null), 'cursor is not one this API gave out for these filters');
