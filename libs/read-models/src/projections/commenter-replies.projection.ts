import { CommenterEvent, ReplyEvent } from '@app/domain';
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

/** Per commenter: how many replies, where the list ends, and whether they were erased. */
export interface CommenterMeta extends ViewDocument {
  replies: number;
  lastBucket: number;
  lastBucketSize: number;
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
  readonly collections = [ViewCollections.commenterReplies, ViewCollections.commenterMeta];

  async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    const event = at.event as ReplyEvent | CommenterEvent;
    const M = ViewCollections.commenterMeta;
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
    }));
  }
}
