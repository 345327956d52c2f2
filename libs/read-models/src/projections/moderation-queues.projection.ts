import { ReplyEvent, ReplyStatus, VerdictReason } from '@app/domain';
import { ViewCollections } from '../versions';
import { EventAt, Projection, ProjectionStore, ViewDocument } from './projection';

/** The queues moderators work; reported and appeals come with flags and appeals. */
export const MODERATION_QUEUES = ['pending', 'spam', 'rejected', 'approved'] as const;
export type ModerationQueue = (typeof MODERATION_QUEUES)[number];

/** Items per queue bucket: a page is one or two lookups. */
export const QUEUE_BUCKET_SIZE = 100;
/** Characters of the text a queue item shows; the reply's detail has it whole. */
export const QUEUE_EXCERPT_LENGTH = 280;

/** What a moderator sees of a reply in a queue. */
export interface QueueItem {
  id: string;
  articleId: string;
  parentId: string | null;
  authorName: string;
  commenterId: string;
  excerpt: string;
  status: ReplyStatus;
  score: number | null;
  reasons: VerdictReason[];
  /** When it entered this queue, and the log position that put it there (the paging key). */
  enteredAt: string;
  position: number;
}

/** One bucket of a queue's list (`<set>/<n>`), in the order replies entered. */
export interface QueueBucket extends ViewDocument {
  set: string;
  bucket: number;
  items: QueueItem[];
}

/** Per list (a queue, or a queue within one article): its buckets and how many it holds. */
export interface QueueMeta extends ViewDocument {
  lastBucket: number;
  lastBucketSize: number;
  count: number;
}

/** The count of every queue, in one lookup. */
export interface QueueCounts extends ViewDocument, Record<ModerationQueue, number> {}

/** Per reply: which queue holds it, where, and what to show when it moves. */
export interface QueueEntry extends ViewDocument {
  queue: ModerationQueue | null;
  /** Bucket of each list it is in (the queue's, and the queue's within its article). */
  buckets: Record<string, number>;
  item: QueueItem;
  /** The last move, so a replay of it after a crash repeats the same move (replay safety). */
  moved: { from: ModerationQueue | null; position: number; eventIndex: number } | null;
}

export const QUEUE_COUNTS_ID = 'counts';
export const queueSet = (queue: ModerationQueue, articleId?: string) => (articleId ? `${queue}@${articleId}` : queue);
export const queueBucketId = (set: string, bucket: number) => `${set}/${bucket}`;

const PRE_MODERATION: VerdictReason = { code: 'pre-moderation', detail: 'Every reply on this article waits for a moderator.' };

const excerptOf = (body: string) => [...body].slice(0, QUEUE_EXCERPT_LENGTH).join('');

/** Which queue a status puts a reply in; approvals go to `approved`, verdicts' publications nowhere. */
function queueAfter(status: ReplyStatus, approvedByModerator: boolean): ModerationQueue | null {
  if (status === 'pending' || status === 'spam' || status === 'rejected') return status;
  if (status === 'published' && approvedByModerator) return 'approved';
  return null;
}

/**
 * The moderation queues: per queue, and per queue within an article, bucketed lists in the
 * order replies entered, each item with the reasons that put it there; a reply leaving a
 * queue is taken out of its buckets; the counts of all queues in one document.
 *
 * Replay safety as in the thread: buckets are written first, then the entry, then the list
 * counters and the counts. A move records where it came from on the entry, so a replay after
 * a crash before the counters repeats the same move; counters that already have the event
 * are left alone.
 */
export class ModerationQueuesProjection implements Projection {
  readonly name = 'moderation-queues';
  readonly version = 1;
  readonly collections = [ViewCollections.queueBuckets, ViewCollections.queueEntries, ViewCollections.queueMeta, ViewCollections.queueCounts];

  async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    const event = at.event as ReplyEvent;
    switch (event.type) {
      case 'reply.submitted': {
        const d = event.data;
        const item: QueueItem = {
          id: d.replyId,
          articleId: d.articleId,
          parentId: d.parentId,
          authorName: d.author.name,
          commenterId: d.author.id,
          excerpt: excerptOf(d.body),
          status: d.status,
          score: null,
          reasons: d.status === 'pending' ? [PRE_MODERATION] : [],
          enteredAt: d.submittedAt,
          position: at.entry.position,
        };
        return this.move(at, store, d.replyId, queueAfter(d.status, false), item);
      }
      case 'reply.edited':
        return this.change(at, store, event.data.replyId, (item) => ({ ...item, excerpt: excerptOf(event.data.body) }));
      case 'reply.screened': {
        const { replyId, status, score, decision, screenedAt } = event.data;
        // A reply the checks would publish but the article holds: pre-moderation is the reason.
        const reasons = status === 'pending' && decision === 'publish' ? [PRE_MODERATION, ...event.data.reasons] : event.data.reasons;
        return this.move(at, store, replyId, queueAfter(status, false), null, (item) => ({ ...item, status, score, reasons, enteredAt: screenedAt }));
      }
      case 'reply.moderated': {
        const { replyId, status, action, reason, decidedAt } = event.data;
        const reasons = reason ? [{ code: `moderator-${action}`, detail: reason }] : [];
        return this.move(at, store, replyId, queueAfter(status, action === 'approve'), null, (item) => ({ ...item, status, reasons, enteredAt: decidedAt }));
      }
      case 'reply.retracted':
        return this.move(at, store, event.data.replyId, null, null, (item) => ({ ...item, status: 'retracted' }));
      case 'reply.erased':
        // Out of every queue, and nothing of theirs kept.
        return this.move(at, store, event.data.replyId, null, null, (item) => ({ ...item, status: 'removed', authorName: '', excerpt: '' }));
    }
  }

  /** Moves a reply to `to` (or out of every queue), with its item changed by `change`. */
  private async move(at: EventAt, store: ProjectionStore, replyId: string, to: ModerationQueue | null, created: QueueItem | null, change: (i: QueueItem) => QueueItem = (i) => i): Promise<void> {
    const entry = await store.get<QueueEntry>(ViewCollections.queueEntries, replyId);
    if (!entry && !created) return; // replies from before this view's events: nothing to move
    const replay = entry?.moved && entry.moved.position === at.entry.position && entry.moved.eventIndex === at.index;
    const from = replay ? entry!.moved!.from : (entry?.queue ?? null);
    const item = { ...change(created ?? entry!.item), position: at.entry.position };
    if (from === to && !replay) {
      if (to !== null) await this.rewrite(at, store, entry!, item);
      await store.update<QueueEntry>(ViewCollections.queueEntries, replyId, at, (doc) => (doc ? { ...doc, item } : { _id: replyId, queue: null, buckets: {}, item, moved: null }));
      return;
    }
    const buckets: Record<string, number> = {};
    if (from !== null) for (const [set, bucket] of Object.entries(entry!.buckets)) await this.remove(at, store, set, bucket, replyId);
    if (to !== null) {
      for (const set of [queueSet(to), queueSet(to, item.articleId)]) buckets[set] = await this.append(at, store, set, item, replay ? (entry!.buckets[set] ?? null) : null);
    }
    await store.update<QueueEntry>(ViewCollections.queueEntries, replyId, at, () => ({
      _id: replyId,
      queue: to,
      buckets,
      item,
      moved: { from, position: at.entry.position, eventIndex: at.index },
    }));
    // Counters last: each list's count and bucket pointer, then the counts of all queues.
    if (from !== null) for (const set of [queueSet(from), queueSet(from, item.articleId)]) await this.count(at, store, set, -1, null);
    if (to !== null) for (const set of [queueSet(to), queueSet(to, item.articleId)]) await this.count(at, store, set, +1, buckets[set]);
    await store.update<QueueCounts>(ViewCollections.queueCounts, QUEUE_COUNTS_ID, at, (doc) => {
      const counts = { ...Object.fromEntries(MODERATION_QUEUES.map((q) => [q, 0])), ...(doc ?? {}) } as QueueCounts;
      if (from !== null) counts[from] -= 1;
      if (to !== null) counts[to] += 1;
      return { ...counts, _id: QUEUE_COUNTS_ID };
    });
  }

  /** An item stays where it is with new content (an edit, a second verdict in the same queue). */
  private async rewrite(at: EventAt, store: ProjectionStore, entry: QueueEntry, item: QueueItem): Promise<void> {
    for (const [set, bucket] of Object.entries(entry.buckets)) {
      await store.update<QueueBucket>(ViewCollections.queueBuckets, queueBucketId(set, bucket), at, (doc) =>
        doc && { ...doc, items: doc.items.map((i) => (i.id === item.id ? { ...item, position: i.position, enteredAt: i.enteredAt } : i)) },
      );
    }
  }

  private async change(at: EventAt, store: ProjectionStore, replyId: string, change: (i: QueueItem) => QueueItem): Promise<void> {
    const entry = await store.get<QueueEntry>(ViewCollections.queueEntries, replyId);
    if (!entry) return;
    const item = change(entry.item);
    if (entry.queue !== null) await this.rewrite(at, store, entry, item);
    await store.update<QueueEntry>(ViewCollections.queueEntries, replyId, at, (doc) => doc && { ...doc, item });
  }

  private async remove(at: EventAt, store: ProjectionStore, set: string, bucket: number, replyId: string): Promise<void> {
    await store.update<QueueBucket>(ViewCollections.queueBuckets, queueBucketId(set, bucket), at, (doc) =>
      doc && { ...doc, items: doc.items.filter((i) => i.id !== replyId) },
    );
  }

  /** Appends to the list's last bucket (or the next); on a replay, to the bucket it went to before. */
  private async append(at: EventAt, store: ProjectionStore, set: string, item: QueueItem, known: number | null): Promise<number> {
    const meta = await store.get<QueueMeta>(ViewCollections.queueMeta, set);
    const bucket = known ?? (meta === null ? 0 : meta.lastBucketSize >= QUEUE_BUCKET_SIZE ? meta.lastBucket + 1 : meta.lastBucket);
    await store.update<QueueBucket>(ViewCollections.queueBuckets, queueBucketId(set, bucket), at, (doc) => ({
      _id: queueBucketId(set, bucket),
      set,
      bucket,
      items: [...(doc?.items ?? []).filter((i) => i.id !== item.id), item],
    }));
    return bucket;
  }

  private async count(at: EventAt, store: ProjectionStore, set: string, delta: number, bucket: number | null): Promise<void> {
    await store.update<QueueMeta>(ViewCollections.queueMeta, set, at, (doc) => {
      const meta = doc ?? { _id: set, lastBucket: 0, lastBucketSize: 0, count: 0 };
      if (bucket === null) return { ...meta, count: meta.count + delta };
      const size = bucket === meta.lastBucket && doc !== null ? meta.lastBucketSize + 1 : 1;
      return { ...meta, lastBucket: bucket, lastBucketSize: size, count: meta.count + delta };
    });
  }
}

