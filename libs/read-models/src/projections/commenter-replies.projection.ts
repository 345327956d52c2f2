import { CommenterEvent, ReactionEvent, ReplyEvent } from '@app/domain';
import { COMMENTER_BUCKET_SIZE, ViewCollections } from '../versions';
import { EventAt, isApplied, Projection, ProjectionStore, ViewDocument } from './projection';

export interface CommenterReplyRef {
  replyId: string;
  articleId: string;
}

/** One bucket of a commenter's replies in log order: `<commenterId>/<n>`. */
export interface CommenterReplies extends ViewDocument {
  commenterId: string;
  bucket: number;
  replies: CommenterReplyRef[];
}

/** One bucket of the replies a commenter has reacted to (each once, at their first reaction): `<commenterId>/<n>`. */
export interface CommenterReactions extends ViewDocument {
  commenterId: string;
  bucket: number;
  replies: CommenterReplyRef[];
}

/** Per commenter: how many replies, where the list ends, and whether they were erased. */
export interface CommenterMeta extends ViewDocument {
  replies: number;
  lastBucket: number;
  lastBucketSize: number;
  /** The same for the replies they reacted to (absent until they react). */
  reactedTo?: number;
  lastReactionBucket?: number;
  lastReactionBucketSize?: number;
  /** Set by `commenter.erased`: their later-sequenced replies are erased as they come. */
  erasedAt: string | null;
}

export const commenterRepliesId = (commenterId: string, bucket: number) => `${commenterId}/${bucket}`;

/**
 * Which replies each commenter wrote: what an export lists and an erasure goes through. Holds
 * ids only, no personal data. Written by the commenter ledger, which acts on it in log order.
 */
export class CommenterRepliesProjection implements Projection {
  readonly name = 'commenter-replies';
  readonly version = 1;
  readonly collections = [ViewCollections.commenterReplies, ViewCollections.commenterReactions, ViewCollections.commenterMeta];

  async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    const event = at.event as ReplyEvent | CommenterEvent | ReactionEvent;
    const M = ViewCollections.commenterMeta;
    // A reader's reaction stream on a reply, listed once, at its first event: an export reads
    // the stream. Reactions came after this ledger version, so no past event is missed. The
    // first says so itself when a filled version came before it (decision 0037).
    if (event.type === 'reply.reacted' && (event.data.first === true || at.entry.version + at.index === 1)) {
      const { replyId, articleId, commenterId } = event.data;
      const meta = await store.get<CommenterMeta>(M, commenterId);
      if (isApplied(meta, at)) return;
      const size = meta?.lastReactionBucketSize ?? 0;
      const full = size >= COMMENTER_BUCKET_SIZE;
      const bucket = (meta?.lastReactionBucket ?? 0) + (full ? 1 : 0);
      await store.update<CommenterReactions>(ViewCollections.commenterReactions, commenterRepliesId(commenterId, bucket), at, (doc) => ({
        _id: commenterRepliesId(commenterId, bucket),
        commenterId,
        bucket,
        replies: [...(doc?.replies ?? []), { replyId, articleId }],
      }));
      await store.update<CommenterMeta>(M, commenterId, at, (doc) => ({
        ...(doc ?? { _id: commenterId, replies: 0, lastBucket: 0, lastBucketSize: 0, erasedAt: null }),
        reactedTo: (doc?.reactedTo ?? 0) + 1,
        lastReactionBucket: bucket,
        lastReactionBucketSize: full ? 1 : size + 1,
      }));
      return;
    }
    if (event.type === 'commenter.erased') {
      await store.update<CommenterMeta>(M, event.data.commenterId, at, (doc) => ({
        ...(doc ?? { _id: event.data.commenterId, replies: 0, lastBucket: 0, lastBucketSize: 0 }),
        erasedAt: event.data.erasedAt,
      }));
      return;
    }
    if (event.type !== 'reply.submitted') return;
    const { replyId, articleId, author } = event.data;
    const meta = await store.get<CommenterMeta>(M, author.id);
    // The meta document is written last: if it has this event, so has the bucket it chose.
    if (isApplied(meta, at)) return;
    const full = meta !== null && meta.lastBucketSize >= COMMENTER_BUCKET_SIZE;
    const bucket = meta === null ? 0 : full ? meta.lastBucket + 1 : meta.lastBucket;
    await store.update<CommenterReplies>(ViewCollections.commenterReplies, commenterRepliesId(author.id, bucket), at, (doc) => ({
      _id: commenterRepliesId(author.id, bucket),
      commenterId: author.id,
      bucket,
      replies: [...(doc?.replies ?? []), { replyId, articleId }],
    }));
    await store.update<CommenterMeta>(M, author.id, at, (doc) => ({
      _id: author.id,
      replies: (doc?.replies ?? 0) + 1,
      lastBucket: bucket,
      lastBucketSize: full || doc === null ? 1 : doc.lastBucketSize + 1,
      erasedAt: doc?.erasedAt ?? null,
      ...(doc?.reactedTo === undefined ? {} : { reactedTo: doc.reactedTo, lastReactionBucket: doc.lastReactionBucket, lastReactionBucketSize: doc.lastReactionBucketSize }),
    }));
  }
}
