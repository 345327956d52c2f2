import { answersFlags, APPEALABLE, FlagEvent, flagThresholdOf, ReplyEvent, ReplyStatus, VerdictReason } from '@app/domain';
import { ViewCollections } from '../versions';
import { EventAt, isApplied, Projection, ProjectionStore, ViewDocument } from './projection';

/** The queues moderators work. */
export const MODERATION_QUEUES = ['pending', 'reported', 'spam', 'rejected', 'approved', 'appeals'] as const;

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
  /** What decides the queue: the status, a moderator's approval, readers' flags since the last decision. */
  status?: ReplyStatus;
  approved?: boolean;
  flags?: number;
  reported?: boolean;
  /** Its author's appeal waits for a moderator. */
  appealed?: boolean;
}

type EntryState = Required<Pick<QueueEntry, 'status' | 'approved' | 'flags' | 'reported' | 'appealed'>>;

export const QUEUE_COUNTS_ID = 'counts';
export const queueSet = (queue: ModerationQueue, articleId?: string) => (articleId ? `${queue}@${articleId}` : queue);
export const queueBucketId = (set: string, bucket: number) => `${set}/${bucket}`;

const PRE_MODERATION: VerdictReason = { code: 'pre-moderation', detail: 'Every reply on this article waits for a moderator.' };

const excerptOf = (body: string) => [...body].slice(0, QUEUE_EXCERPT_LENGTH).join('');

/**
 * Which queue a reply is in: an open appeal first; then by status; a published one flagged
 * enough is `reported`; an approval goes to `approved`.
 */
function queueOf(s: EntryState): ModerationQueue | null {
  if (s.appealed && (s.status === 'pending' || s.status === 'spam' || s.status === 'rejected')) return 'appeals';
  if (s.status === 'pending' || s.status === 'spam' || s.status === 'rejected') return s.status;
  if (s.status === 'published' && s.reported) return 'reported';
  if (s.status === 'published' && s.approved) return 'approved';
  return null;
}

const stateOf = (e: QueueEntry | null): EntryState => ({
  status: e?.status ?? e?.item.status ?? 'checking',
  approved: e?.approved ?? false,
  flags: e?.flags ?? 0,
  reported: e?.reported ?? false,
  appealed: e?.appealed ?? false,
});

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
  /** 2: the reported queue, from readers' flags. 3: the appeals queue. */
  readonly version = 3;
  readonly collections = [ViewCollections.queueBuckets, ViewCollections.queueEntries, ViewCollections.queueMeta, ViewCollections.queueCounts];

  async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    const event = at.event as ReplyEvent | FlagEvent;
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
        return this.move(at, store, d.replyId, { status: d.status, approved: false, flags: 0, reported: false, appealed: false }, item);
      }
      case 'reply.edited':
        return this.change(at, store, event.data.replyId, (item) => ({ ...item, excerpt: excerptOf(event.data.body) }));
      case 'reply.screened': {
        const { replyId, status, score, decision, screenedAt } = event.data;
        // A reply the checks would publish but the article holds: pre-moderation is the reason.
        const reasons = status === 'pending' && decision === 'publish' ? [PRE_MODERATION, ...event.data.reasons] : event.data.reasons;
        return this.move(at, store, replyId, (s) => ({ ...s, status, appealed: s.appealed && APPEALABLE.includes(status) }), null, (item) => ({ ...item, status, score, reasons, enteredAt: screenedAt }));
      }
      case 'reply.moderated': {
        const { replyId, status, action, reason, decidedAt } = event.data;
        const reasons = reason ? [{ code: `moderator-${action}`, detail: reason }] : [];
        // A decision answers the flags so far (they count afresh from here) and an appeal it settles.
        // A bulk refusal, and its undo, leave the flags as they were: nobody read the reports.
        const answered = answersFlags(event.data);
        return this.move(at, store, replyId, (s) => ({ status, approved: action === 'approve', flags: answered ? 0 : s.flags, reported: answered ? false : s.reported, appealed: s.appealed && !event.data.settlesAppeal && APPEALABLE.includes(status) }), null, (item) => ({ ...item, status, reasons, enteredAt: decidedAt }));
      }
      case 'reply.appealed': {
        const { replyId, note, appealedAt } = event.data;
        return this.move(at, store, replyId, (s) => ({ ...s, appealed: true }), null, (item) => ({
          ...item,
          reasons: [...item.reasons.filter((r) => r.code !== 'appeal'), { code: 'appeal', detail: excerptOf(note) }],
          enteredAt: appealedAt,
        }));
      }
      case 'reply.flagged': {
        const { replyId, reason, flaggedAt } = event.data;
        return this.move(at, store, replyId, (s) => ({ ...s, flags: s.flags + 1, reported: s.reported || s.flags + 1 >= flagThresholdOf(event.data) }), null, (item, s) =>
          s.reported ? { ...item, reasons: [...item.reasons.filter((r) => r.code !== 'reported'), { code: 'reported', detail: `${s.flags} readers flagged it; the latest: ${reason}` }], enteredAt: item.status === 'published' && item.reasons.some((r) => r.code === 'reported') ? item.enteredAt : flaggedAt } : item,
        );
      }
      case 'reply.retracted':
        return this.move(at, store, event.data.replyId, (s) => ({ ...s, status: 'retracted' }), null, (item) => ({ ...item, status: 'retracted' }));
      case 'reply.erased':
        // Out of every queue, and nothing of theirs kept.
        return this.move(at, store, event.data.replyId, (s) => ({ ...s, status: 'removed' }), null, (item) => ({
          ...item,
          status: 'removed',
          authorName: '',
          excerpt: '',
          reasons: item.reasons.map((r) => (r.code === 'appeal' ? { ...r, detail: '' } : r)),
        }));
    }
  }

  /**
   * Applies an event to a reply's queue state (`next`, or the given state for a new reply) and
   * moves it to the queue that state puts it in (or out of every queue), its item changed by
   * `change`. Replay: an entry that has this event already is done, unless this event moved
   * it, in which case the same move is made again for the documents written after the entry.
   */
  private async move(
    at: EventAt,
    store: ProjectionStore,
    replyId: string,
    next: EntryState | ((s: EntryState) => EntryState),
    created: QueueItem | null,
    change: (i: QueueItem, s: EntryState) => QueueItem = (i) => i,
  ): Promise<void> {
    const entry = await store.get<QueueEntry>(ViewCollections.queueEntries, replyId);
    if (!entry && !created) return; // replies from before this view's events: nothing to move
    const replay = entry?.moved?.position === at.entry.position && entry.moved.eventIndex === at.index;
    if (entry && isApplied(entry, at) && !replay) return;
    const state = replay ? stateOf(entry) : typeof next === 'function' ? next(stateOf(entry)) : next;
    const to = replay ? entry!.queue : queueOf(state);
    const from = replay ? entry!.moved!.from : (entry?.queue ?? null);
    const item = { ...change(created ?? entry!.item, state), position: at.entry.position };
    if (from === to && !replay) {
      if (to !== null) await this.rewrite(at, store, entry!, item);
      await store.update<QueueEntry>(ViewCollections.queueEntries, replyId, at, (doc) => ({ ...(doc ?? { _id: replyId, queue: null, buckets: {}, moved: null }), item, ...state }));
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
      ...state,
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

