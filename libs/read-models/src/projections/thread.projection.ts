import { answersFlags, ERASED_AUTHOR_NAME, FlagEvent, FlagTally, NO_FLAGS, noReactions, ReactionEvent, ReactionType, ReplyEvent, ReplyFlagged, ReplyStatus, ReplySubmitted, tallyFlag } from '@app/domain';
import { PREVIEW_SIZE, THREAD_BUCKET_SIZE, THREAD_NAME_LENGTH, TOP_LIST_SIZE, ViewCollections } from '../versions';
import {
  ReplyPreview,
  ReplySummary,
  ThreadBucket,
  ThreadChildren,
  ThreadChildrenMeta,
  ThreadIndexEntry,
  ThreadMeta,
  ThreadTop,
  TopEntry,
  threadBucketId,
  threadChildrenId,
  threadChildrenMetaId,
  threadMetaId,
  threadTopId,
} from './documents';
import { UnappliableEventError } from './errors';
import { EventAt, isApplied, Projection, ProjectionStore } from './projection';

const isPublished = (s: ReplySummary['status']) => s === 'published';

/** What readers see and count: published, and not hidden by readers' flags. */
const isPublic = (s: ReplyPreview) => isPublished(s.status) && !s.hiddenByFlags;

/** Whether the reply counted on its ancestors before an event that moved it from `previousStatus`. */
const wasCounted = (reply: ThreadIndexEntry, previousStatus: ReplyStatus) => isPublished(previousStatus) && !reply.flags?.hidden;

/** The summary shown again after a moderator's decision answered the flags that hid it. */
function unhidden<T extends ReplyPreview>({ hiddenByFlags: _, ...s }: T): T {
  return s as T;
}

type Change<T> = (s: T) => T;

function summaryOf(d: ReplySubmitted['data']): ReplySummary {
  return {
    id: d.replyId,
    parentId: d.parentId,
    depth: d.depth,
    author: { kind: d.author.kind, name: [...d.author.name].slice(0, THREAD_NAME_LENGTH).join('') },
    body: d.body,
    status: d.status,
    submittedAt: d.submittedAt,
    editedAt: null,
    replyCount: 0,
    reactions: noReactions(),
    childCount: 0,
    preview: [],
  };
}

/** The summary with one reaction more or less of `type` (never below 0). */
const reactedTo = (type: ReactionType, by: 1 | -1) => <T extends ReplyPreview>(s: T): T => {
  const reactions = { ...noReactions(), ...s.reactions };
  return { ...s, reactions: { ...reactions, [type]: Math.max(0, reactions[type] + by) } };
};

/** Every reaction on a summary, of every type. */
export const reactionTotal = (s: ReplyPreview): number => Object.values(s.reactions ?? {}).reduce((n, c) => n + c, 0);

export function previewOf({ childCount: _c, preview: _p, ...preview }: ReplySummary): ReplyPreview {
  return preview;
}

/** Where the next reply goes in a bucket set, given its counters. */
function nextSlot(meta: { lastBucket: number; lastBucketSize: number } | null): { bucket: number; index: number } {
  if (meta === null) return { bucket: 0, index: 0 };
  if (meta.lastBucketSize >= THREAD_BUCKET_SIZE) return { bucket: meta.lastBucket + 1, index: 0 };
  return { bucket: meta.lastBucket, index: meta.lastBucketSize };
}

const counted = (doc: { lastBucket: number; lastBucketSize: number } | null, bucket: number) => ({
  lastBucket: bucket,
  lastBucketSize: bucket === doc?.lastBucket ? doc.lastBucketSize + 1 : 1,
});

/**
 * Most reactions first; among equals most published replies beneath; then the older, which had
 * longer to draw them.
 */
export function rankTop(top: TopEntry[]): TopEntry[] {
  return [...top]
    .sort((a, b) => b.score - a.score || b.replies - a.replies || a.submittedAt.localeCompare(b.submittedAt) || a.id.localeCompare(b.id))
    .slice(0, TOP_LIST_SIZE);
}

const sameRanking = (a: TopEntry[], b: TopEntry[]) =>
  a.length === b.length && a.every((t, i) => t.id === b[i].id && t.score === b[i].score && t.replies === b[i].replies);

/**
 * The public thread under an article: top-level replies in article buckets, each reply's
 * direct replies in its own children buckets, every summary with its count and a preview of
 * its first direct replies; a ranked list for `top`; an index entry per reply saying where it
 * is. Replies that are not public (held) are kept only in their index entry.
 *
 * Replay safety: every document is changed at most once per event and skips an event it has
 * seen, so no decision may come from whether another document's change ran. Decisions come
 * from the event and from documents written after everything they decide: the index, then
 * the bucket counters (`collections` order). The top list is set from the root's summary as
 * it stands, never adjusted by a delta.
 */
export class ThreadProjection implements Projection {
  readonly name = 'thread';
  /**
   * 2: nested replies in children buckets, held replies out of the public buckets.
   * 3: replies public only from a `publish` verdict or a moderator's approval; an edit of a
   *    published reply shows once its verdict publishes it; featured replies flagged.
   * 4: readers' reactions counted on every summary; `top` ranked by reactions, then replies.
   * 5: readers' flags counted on the index; a published reply they flag to the threshold of a
   *    policy that hides at it is hidden and uncounted until a moderator decides.
   */
  readonly version = 5;
  // Children first: once a count shows, the replies it counts can be read.
  readonly collections = [
    ViewCollections.threadChildren,
    ViewCollections.threadBuckets,
    ViewCollections.threadTop,
    ViewCollections.threadIndex,
    ViewCollections.threadMeta,
    ViewCollections.threadChildrenMeta,
  ];

  async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    const event = at.event as ReplyEvent | ReactionEvent | FlagEvent;
    switch (event.type) {
      case 'reply.flagged':
        return this.flagged(at, event.data, store);
      case 'reply.reacted':
      case 'reply.unreacted': {
        const change = reactedTo(event.data.type, event.type === 'reply.reacted' ? 1 : -1);
        return this.changeReply(at, event.data.replyId, store, { delta: 0, change, rank: true });
      }
      case 'reply.submitted':
        return this.submit(at, event.data, store);
      case 'reply.edited': {
        const { body, editedAt } = event.data;
        const reply = await this.entry(at, store, event.data.replyId);
        // Readers keep the published text until the new version's verdict.
        if (reply.bucket !== null && reply.status === 'published') {
          await store.update<ThreadIndexEntry>(ViewCollections.threadIndex, reply._id, at, (doc) => doc && { ...doc, revision: { body, editedAt } });
          return;
        }
        return this.changeReply(at, event.data.replyId, store, { delta: 0, change: (s) => ({ ...s, body, editedAt }) });
      }
      case 'reply.screened':
      case 'reply.moderated':
        return this.statusChanged(at, event.data.replyId, event.data.status, event.data.previousStatus, event.type === 'reply.moderated' && answersFlags(event.data), store);
      case 'reply.featured':
      case 'reply.unfeatured': {
        const featured = event.type === 'reply.featured';
        return this.changeReply(at, event.data.replyId, store, { delta: 0, change: (s) => ({ ...s, featured }) });
      }
      case 'reply.retracted':
        return this.changeReply(at, event.data.replyId, store, {
          // The event says whether it was counted (the summaries may already show the retraction),
          // with the index, which says whether flags had hidden it.
          delta: wasCounted(await this.entry(at, store, event.data.replyId), event.data.previousStatus) ? -1 : 0,
          status: 'retracted',
          change: (s) => ({ ...s, body: '', status: 'retracted' }),
        });
      case 'reply.erased':
        return this.changeReply(at, event.data.replyId, store, {
          delta: wasCounted(await this.entry(at, store, event.data.replyId), event.data.previousStatus) ? -1 : 0,
          status: 'removed',
          change: (s) => ({ ...s, body: '', author: { ...s.author, name: ERASED_AUTHOR_NAME }, status: 'removed' }),
        });
    }
  }

  /**
   * A reader flagged a reply. The count goes on its index entry; the flag that hides it takes
   * it out of what readers see and count, in place, as a reply taken down (docs/decisions/0030).
   */
  private async flagged(at: EventAt, flag: ReplyFlagged['data'], store: ProjectionStore): Promise<void> {
    const reply = await this.entry(at, store, flag.replyId);
    // The index is written after every document a flag changes: if it has the flag, all do,
    // and its tally already counts it (a replay after a crash).
    if (isApplied(reply, at)) return;
    const before = reply.flags ?? NO_FLAGS;
    const flags = tallyFlag(before, flag, isPublished(reply.status));
    if (flags.hidden && !before.hidden && reply.bucket !== null) {
      return this.changeReply(at, flag.replyId, store, { delta: -1, change: (s) => ({ ...s, hiddenByFlags: true }), flags });
    }
    await store.update<ThreadIndexEntry>(ViewCollections.threadIndex, flag.replyId, at, (doc) => doc && { ...doc, flags });
  }

  /**
   * A verdict or a moderator moved the reply. Into `published`: an unplaced reply takes the
   * next slot of its bucket set (its count comes along); a placed one shows again, with its
   * waiting edit if any. Out of it: the summary stays where it is, hidden, uncounted.
   * A moderator's decision (`decided`) answers readers' flags: they count afresh, and a reply
   * they hid shows again if the decision publishes it; a verdict leaves them as they are.
   */
  private async statusChanged(at: EventAt, replyId: string, status: ReplyStatus, previousStatus: ReplyStatus, decided: boolean, store: ProjectionStore): Promise<void> {
    const reply = await this.entry(at, store, replyId);
    const revised = <T extends ReplyPreview>(s: T): T => {
      const next = { ...s, status, featured: status === 'published' && s.featured, ...(reply.revision ?? {}) };
      return decided ? unhidden(next) : next;
    };
    // Placed by this very event on an earlier try (a replay after a crash before the counters
    // were written): place again, so the documents written after the index get their change.
    const placedHere = reply.placedAt?.position === at.entry.position && reply.placedAt.eventIndex === at.index;
    if (placedHere && (await this.countersHave(at, reply, store))) return; // every document has it
    if (status === 'published' && (reply.bucket === null || placedHere)) {
      const summary = reply.unplaced ? revised(reply.unplaced) : await this.placedSummary(at, reply, store);
      const bucket = await this.place(at, { articleId: reply.articleId, parentId: reply.parentId }, reply.ancestors, summary, store);
      const placedAt = { position: at.entry.position, eventIndex: at.index };
      await store.update<ThreadIndexEntry>(ViewCollections.threadIndex, replyId, at, (doc) => doc && { ...doc, status, bucket, unplaced: null, revision: null, placedAt });
      await this.syncTop(at, reply.articleId, reply.rootId, store);
      return;
    }
    const hiddenAfter = !decided && reply.flags?.hidden === true;
    const delta = (isPublished(status) && !hiddenAfter ? 1 : 0) - (wasCounted(reply, previousStatus) ? 1 : 0);
    const flags = decided && reply.flags ? NO_FLAGS : undefined;
    await this.changeReply(at, replyId, store, { delta, status, change: revised, clearRevision: true, flags });
  }

  private async submit(at: EventAt, d: ReplySubmitted['data'], store: ProjectionStore): Promise<void> {
    let ancestors: string[] = [];
    if (d.parentId !== null) {
      const parent = await this.entry(at, store, d.parentId);
      if (parent.articleId !== d.articleId || parent.rootId !== d.rootId) {
        throw new UnappliableEventError(at, `reply ${d.parentId} is in another thread`);
      }
      ancestors = [...parent.ancestors, d.parentId];
    }
    const summary = summaryOf(d);
    // A reply that is not public (checking, held) stays out of the public buckets until a
    // verdict or a moderator publishes it (`statusChanged`).
    const bucket = isPublished(d.status) ? await this.place(at, d, ancestors, summary, store) : null;
    await store.update<ThreadIndexEntry>(ViewCollections.threadIndex, d.replyId, at, () => ({
      _id: d.replyId,
      articleId: d.articleId,
      rootId: d.rootId,
      parentId: d.parentId,
      ancestors,
      status: d.status,
      bucket,
      unplaced: bucket === null ? summary : null,
      revision: null,
    }));
    if (bucket !== null) await this.syncTop(at, d.articleId, d.rootId, store);
  }

  /**
   * Puts a published reply's summary in the next slot of its bucket set and counts it (with
   * what is already beneath it) on its ancestors. Returns the bucket.
   */
  private async place(
    at: EventAt,
    where: { articleId: string; parentId: string | null },
    ancestors: string[],
    summary: ReplySummary,
    store: ProjectionStore,
  ): Promise<number> {
    const { articleId, parentId } = where;
    if (parentId === null) {
      const meta = await store.get<ThreadMeta>(ViewCollections.threadMeta, threadMetaId(articleId));
      const { bucket } = nextSlot(meta);
      const id = threadBucketId(articleId, bucket);
      await store.update<ThreadBucket>(ViewCollections.threadBuckets, id, at, (doc) => ({
        _id: id,
        articleId,
        bucket,
        items: [...(doc?.items ?? []), summary],
      }));
      await store.update<ThreadMeta>(ViewCollections.threadMeta, threadMetaId(articleId), at, (doc) => ({
        _id: threadMetaId(articleId),
        articleId,
        ...counted(doc, bucket),
      }));
      return bucket;
    }
    const meta = await store.get<ThreadChildrenMeta>(ViewCollections.threadChildrenMeta, threadChildrenMetaId(parentId));
    const slot = nextSlot(meta);
    const id = threadChildrenId(parentId, slot.bucket);
    await store.update<ThreadChildren>(ViewCollections.threadChildren, id, at, (doc) => ({
      _id: id,
      articleId,
      parentId,
      bucket: slot.bucket,
      items: [...(doc?.items ?? []), summary],
    }));
    await store.update<ThreadChildrenMeta>(ViewCollections.threadChildrenMeta, threadChildrenMetaId(parentId), at, (doc) => ({
      _id: threadChildrenMetaId(parentId),
      articleId,
      parentId,
      ...counted(doc, slot.bucket),
    }));
    const delta = 1 + summary.replyCount;
    const inPreview = slot.bucket === 0 && slot.index < PREVIEW_SIZE;
    await this.countUp(at, ancestors, delta, store, (parent) => ({
      ...parent,
      replyCount: parent.replyCount + delta,
      childCount: parent.childCount + 1,
      preview: inPreview ? [...parent.preview, previewOf(summary)] : parent.preview,
    }));
    return slot.bucket;
  }

  /** An edit or a retraction: the reply's summary, its preview entry, the counts above it, `top`. */
  private async changeReply(
    at: EventAt,
    replyId: string,
    store: ProjectionStore,
    how: { delta: number; status?: ReplyStatus; change: <T extends ReplyPreview>(s: T) => T; clearRevision?: boolean; rank?: boolean; flags?: FlagTally },
  ): Promise<void> {
    const { delta, change } = how;
    const flags = how.flags ? { flags: how.flags } : {};
    const reply = await this.entry(at, store, replyId);
    const status = how.status ?? reply.status;
    // A status change takes the waiting edit into the summary (shown or not, by the status).
    const revision = how.clearRevision || status === 'retracted' || status === 'removed' ? null : (reply.revision ?? null);
    if (reply.bucket === null) {
      // Not public: only its own entry changes; it was counted nowhere.
      await store.update<ThreadIndexEntry>(ViewCollections.threadIndex, replyId, at, (doc) =>
        doc && { ...doc, status, unplaced: doc.unplaced && change(doc.unplaced), revision, ...flags },
      );
      return;
    }
    await this.changeSummary(at, reply, change, store);
    await store.update<ThreadIndexEntry>(ViewCollections.threadIndex, replyId, at, (doc) =>
      doc && (doc.status !== status || (doc.revision ?? null) !== revision || how.flags) ? { ...doc, status, revision, ...flags } : null,
    );
    await this.countUp(at, reply.ancestors, delta, store, (parent) =>
      delta === 0 && !parent.preview.some((p) => p.id === replyId)
        ? parent // an edit past the preview leaves the parent's bucket alone
        : {
            ...parent,
            replyCount: parent.replyCount + delta,
            preview: parent.preview.map((p) => (p.id === replyId ? change(p) : p)),
          },
    );
    // Reactions on a root move it in `top`; on a nested reply they do not.
    if (delta !== 0 || (how.rank && reply.parentId === null)) await this.syncTop(at, reply.articleId, reply.rootId, store);
  }

  /**
   * Changes the parent's summary with `atParent`, then moves every further ancestor's count
   * (and its preview entry for the reply below it) by `delta`. Stops after a reply that is not
   * placed: what is beneath it is not public, and it keeps the count for when it is placed.
   */
  private async countUp(
    at: EventAt,
    ancestors: string[],
    delta: number,
    store: ProjectionStore,
    atParent: Change<ReplySummary>,
  ): Promise<void> {
    let change = atParent;
    for (const id of [...ancestors].reverse()) {
      const ancestor = await this.entry(at, store, id);
      await this.changeSummary(at, ancestor, change, store);
      if (ancestor.bucket === null || delta === 0) return;
      // One level up: the count, and the count on its preview entry for this ancestor.
      change = (s) => ({
        ...s,
        replyCount: s.replyCount + delta,
        preview: s.preview.map((p) => (p.id === id ? { ...p, replyCount: p.replyCount + delta } : p)),
      });
    }
  }

  /** Changes a reply's summary where it lives: its bucket, or its own entry while unplaced. */
  private async changeSummary(at: EventAt, reply: ThreadIndexEntry, change: Change<ReplySummary>, store: ProjectionStore): Promise<void> {
    const id = reply._id;
    if (reply.bucket === null) {
      await store.update<ThreadIndexEntry>(ViewCollections.threadIndex, id, at, (doc) => {
        const next = doc?.unplaced && change(doc.unplaced);
        return next && next !== doc!.unplaced ? { ...doc!, unplaced: next } : null;
      });
      return;
    }
    const [collection, docId] =
      reply.parentId === null
        ? [ViewCollections.threadBuckets, threadBucketId(reply.articleId, reply.bucket)]
        : [ViewCollections.threadChildren, threadChildrenId(reply.parentId, reply.bucket)];
    await store.update<ThreadBucket | ThreadChildren>(collection, docId, at, (doc) => {
      const i = doc?.items.findIndex((s) => s.id === id) ?? -1;
      if (!doc || i < 0) throw new UnappliableEventError(at, `reply ${id} is not in ${collection} ${docId}`);
      const next = change(doc.items[i]);
      if (next === doc.items[i]) return null;
      const items = [...doc.items];
      items[i] = next;
      return { ...doc, items };
    });
  }

  /** Sets the root's entry in the ranked list from its summary as it stands now. */
  private async syncTop(at: EventAt, articleId: string, rootId: string, store: ProjectionStore): Promise<void> {
    const root = await this.entry(at, store, rootId);
    let entry: TopEntry | null = null;
    if (root.bucket !== null) {
      const doc = await store.get<ThreadBucket>(ViewCollections.threadBuckets, threadBucketId(articleId, root.bucket));
      const summary = doc?.items.find((s) => s.id === rootId);
      if (!summary) throw new UnappliableEventError(at, `root ${rootId} is not in its bucket ${root.bucket}`);
      if (isPublic(summary)) entry = { id: rootId, bucket: root.bucket, score: reactionTotal(summary), replies: summary.replyCount, submittedAt: summary.submittedAt };
    }
    await store.update<ThreadTop>(ViewCollections.threadTop, threadTopId(articleId), at, (doc) => {
      const before = doc?.top ?? [];
      const top = rankTop([...before.filter((t) => t.id !== rootId), ...(entry ? [entry] : [])]);
      if (sameRanking(before, top)) return null;
      return { _id: threadTopId(articleId), articleId, top };
    });
  }

  /** Whether the bucket counters of the reply's bucket set (written last) already have this event. */
  private async countersHave(at: EventAt, reply: ThreadIndexEntry, store: ProjectionStore): Promise<boolean> {
    const counters =
      reply.parentId === null
        ? await store.get<ThreadMeta>(ViewCollections.threadMeta, threadMetaId(reply.articleId))
        : await store.get<ThreadChildrenMeta>(ViewCollections.threadChildrenMeta, threadChildrenMetaId(reply.parentId));
    return isApplied(counters, at);
  }

  /** The summary as its bucket holds it (the bucket is written before the index). */
  private async placedSummary(at: EventAt, reply: ThreadIndexEntry, store: ProjectionStore): Promise<ReplySummary> {
    const [collection, docId] =
      reply.parentId === null
        ? [ViewCollections.threadBuckets, threadBucketId(reply.articleId, reply.bucket!)]
        : [ViewCollections.threadChildren, threadChildrenId(reply.parentId, reply.bucket!)];
    const doc = await store.get<ThreadBucket | ThreadChildren>(collection, docId);
    const summary = doc?.items.find((s) => s.id === reply._id);
    if (!summary) throw new UnappliableEventError(at, `reply ${reply._id} is not in ${collection} ${docId}`);
    return summary;
  }

  /** The index entry of a reply this event depends on; missing, the event cannot be applied. */
  private async entry(at: EventAt, store: ProjectionStore, replyId: string): Promise<ThreadIndexEntry> {
    const found = await store.get<ThreadIndexEntry>(ViewCollections.threadIndex, replyId);
    if (!found) throw new UnappliableEventError(at, `reply ${replyId} is not in the thread`);
    return found;
  }
}
