import { ReplyEvent, ReplySubmitted } from '@app/domain';
import { THREAD_BUCKET_SIZE, TOP_LIST_SIZE, ViewCollections } from '../versions';
import {
  ReplySummary,
  ThreadBucket,
  ThreadIndexEntry,
  ThreadMeta,
  ThreadTop,
  TopEntry,
  threadBucketId,
  threadMetaId,
  threadTopId,
} from './documents';
import { EventAt, Projection, ProjectionStore } from './projection';

const visible = (s: ReplySummary['status']) => s === 'published';

/** Finds the summary with `id` in a tree, with the path of ancestors down to it. */
export function findInTree(items: ReplySummary[], id: string, path: ReplySummary[] = []): ReplySummary[] | null {
  for (const item of items) {
    if (item.id === id) return [...path, item];
    const found = findInTree(item.replies, id, [...path, item]);
    if (found) return found;
  }
  return null;
}

/** Returns `items` with the summary at `id` replaced by `change(summary, ancestors)`. */
function changeInTree(
  items: ReplySummary[],
  id: string,
  change: (s: ReplySummary) => ReplySummary,
  onPath: (ancestor: ReplySummary) => ReplySummary = (a) => a,
): ReplySummary[] {
  return items.map((item) => {
    if (item.id === id) return change(item);
    if (!findInTree(item.replies, id)) return item;
    return onPath({ ...item, replies: changeInTree(item.replies, id, change, onPath) });
  });
}

function summaryOf(d: ReplySubmitted['data']): ReplySummary {
  return {
    id: d.replyId,
    parentId: d.parentId,
    depth: d.depth,
    author: { kind: d.author.kind, name: d.author.name },
    body: d.body,
    status: d.status,
    submittedAt: d.submittedAt,
    editedAt: null,
    replyCount: 0,
    replies: [],
  };
}

/** Most published replies beneath first; among equals the older, which had longer to draw them. */
export function rankTop(top: TopEntry[]): TopEntry[] {
  return [...top]
    .sort((a, b) => b.score - a.score || a.submittedAt.localeCompare(b.submittedAt) || a.id.localeCompare(b.id))
    .slice(0, TOP_LIST_SIZE);
}

const sameRanking = (a: TopEntry[], b: TopEntry[]) =>
  a.length === b.length && a.every((t, i) => t.id === b[i].id && t.score === b[i].score);

/**
 * The thread under an article, in buckets of top-level replies (nested replies inside their
 * root), a ranked list for `top`, and a meta document per article that decides bucket
 * placement. The meta document is written last, so a crash replays its decisions identically.
 */
export class ThreadProjection implements Projection {
  readonly name = 'thread';
  readonly version = 1;
  readonly collections = [ViewCollections.threadIndex, ViewCollections.threadBuckets, ViewCollections.threadTop, ViewCollections.threadMeta];

  async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    const event = at.event as ReplyEvent;
    switch (event.type) {
      case 'reply.submitted':
        return event.data.parentId === null ? this.addRoot(at, event.data, store) : this.addNested(at, event.data, store);
      case 'reply.edited':
        return this.changeReply(at, event.data.replyId, store, (s) => ({
          ...s,
          body: event.data.body,
          editedAt: event.data.editedAt,
        }));
      case 'reply.retracted':
        return this.changeReply(at, event.data.replyId, store, (s) => ({ ...s, body: '', status: 'retracted' }));
    }
  }

  private async addRoot(at: EventAt, d: ReplySubmitted['data'], store: ProjectionStore): Promise<void> {
    const meta = await store.get<ThreadMeta>(ViewCollections.threadMeta, threadMetaId(d.articleId));
    const full = meta !== null && meta.lastBucketSize >= THREAD_BUCKET_SIZE;
    const bucket = meta === null ? 0 : full ? meta.lastBucket + 1 : meta.lastBucket;

    await store.update<ThreadIndexEntry>(ViewCollections.threadIndex, d.replyId, at, () => ({
      _id: d.replyId,
      articleId: d.articleId,
      rootId: d.replyId,
      bucket,
    }));
    await store.update<ThreadBucket>(ViewCollections.threadBuckets, threadBucketId(d.articleId, bucket), at, (doc) => ({
      _id: threadBucketId(d.articleId, bucket),
      articleId: d.articleId,
      bucket,
      items: [...(doc?.items ?? []), summaryOf(d)],
    }));
    if (visible(d.status)) await this.rank(at, d.articleId, { id: d.replyId, bucket, score: 0, submittedAt: d.submittedAt }, store);
    await store.update<ThreadMeta>(ViewCollections.threadMeta, threadMetaId(d.articleId), at, (doc) => ({
      _id: threadMetaId(d.articleId),
      articleId: d.articleId,
      lastBucket: bucket,
      lastBucketSize: bucket === doc?.lastBucket ? doc.lastBucketSize + 1 : 1,
    }));
  }

  private async addNested(at: EventAt, d: ReplySubmitted['data'], store: ProjectionStore): Promise<void> {
    const root = await store.get<ThreadIndexEntry>(ViewCollections.threadIndex, d.rootId);
    if (!root) return; // the root never reached this thread
    await store.update<ThreadIndexEntry>(ViewCollections.threadIndex, d.replyId, at, () => ({
      _id: d.replyId,
      articleId: d.articleId,
      rootId: d.rootId,
      bucket: root.bucket,
    }));
    const counted = visible(d.status) ? 1 : 0;
    await this.updateBucket(at, d.articleId, root.bucket, store, (items) =>
      changeInTree(
        items,
        d.parentId!,
        (parent) => ({ ...parent, replyCount: parent.replyCount + counted, replies: [...parent.replies, summaryOf(d)] }),
        (ancestor) => ({ ...ancestor, replyCount: ancestor.replyCount + counted }),
      ),
    );
    if (counted) await this.rescore(at, d.articleId, d.rootId, root.bucket, store);
  }

  private async changeReply(
    at: EventAt,
    replyId: string,
    store: ProjectionStore,
    change: (s: ReplySummary) => ReplySummary,
  ): Promise<void> {
    const where = await store.get<ThreadIndexEntry>(ViewCollections.threadIndex, replyId);
    if (!where) return;
    let wasVisible = false;
    let nowVisible = false;
    await this.updateBucket(at, where.articleId, where.bucket, store, (items) => {
      const path = findInTree(items, replyId);
      if (!path) return items;
      const target = path[path.length - 1];
      const changed = change(target);
      wasVisible = visible(target.status);
      nowVisible = visible(changed.status);
      const delta = (nowVisible ? 1 : 0) - (wasVisible ? 1 : 0);
      return changeInTree(items, replyId, () => changed, (a) => ({ ...a, replyCount: a.replyCount + delta }));
    });
    if (wasVisible === nowVisible) return;
    if (where.rootId === replyId) {
      await store.update<ThreadTop>(ViewCollections.threadTop, threadTopId(where.articleId), at, (doc) =>
        doc && { ...doc, top: doc.top.filter((t) => t.id !== replyId) },
      );
    } else {
      await this.rescore(at, where.articleId, where.rootId, where.bucket, store);
    }
  }

  private async updateBucket(
    at: EventAt,
    articleId: string,
    bucket: number,
    store: ProjectionStore,
    change: (items: ReplySummary[]) => ReplySummary[],
  ): Promise<void> {
    await store.update<ThreadBucket>(ViewCollections.threadBuckets, threadBucketId(articleId, bucket), at, (doc) =>
      doc && { ...doc, items: change(doc.items) },
    );
  }

  /** `top` ranks roots by published replies beneath them; the score is set, never added to. */
  private async rescore(at: EventAt, articleId: string, rootId: string, bucket: number, store: ProjectionStore) {
    const doc = await store.get<ThreadBucket>(ViewCollections.threadBuckets, threadBucketId(articleId, bucket));
    const root = doc?.items.find((i) => i.id === rootId);
    if (!root || !visible(root.status)) return;
    await this.rank(at, articleId, { id: rootId, bucket, score: root.replyCount, submittedAt: root.submittedAt }, store);
  }

  /** Sets one root's entry in the ranked list; the document is written only if the ranking moved. */
  private async rank(at: EventAt, articleId: string, entry: TopEntry, store: ProjectionStore): Promise<void> {
    await store.update<ThreadTop>(ViewCollections.threadTop, threadTopId(articleId), at, (doc) => {
      const before = doc?.top ?? [];
      const top = rankTop([...before.filter((t) => t.id !== entry.id), entry]);
      if (doc && sameRanking(before, top)) return null;
      return { _id: threadTopId(articleId), articleId, top };
    });
  }
}
