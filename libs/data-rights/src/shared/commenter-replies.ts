import { MONGO_DB } from '@app/platform';
import { CommenterMeta, CommenterReactions, CommenterReplies, CommenterReplyRef, commenterRepliesId, CommenterRepliesProjection, ViewCollections, ViewNames } from '@app/read-models';
import { Inject, Injectable } from '@nestjs/common';
import type { mongo } from 'mongoose';

/** A commenter's replies as the commenter ledger lists them (ids only, in log order). */
@Injectable()
export class CommenterReplyList {
  private readonly names = ViewNames.of([new CommenterRepliesProjection()]);

  constructor(@Inject(MONGO_DB) private readonly db: mongo.Db) {}

  async of(commenterId: string): Promise<string[]> {
    const meta = await this.db.collection<CommenterMeta>(this.names.collection(ViewCollections.commenterMeta)).findOne({ _id: commenterId });
    if (!meta) return [];
    const buckets = this.db.collection<CommenterReplies>(this.names.collection(ViewCollections.commenterReplies));
    const ids: string[] = [];
    for (let b = 0; b <= meta.lastBucket; b++) {
      const bucket = await buckets.findOne({ _id: commenterRepliesId(commenterId, b) });
      for (const r of bucket?.replies ?? []) ids.push(r.replyId);
    }
    return ids;
  }

  /** How many replies they wrote, and their latest ones on any article, newest first. */
  async latest(commenterId: string, limit: number): Promise<{ total: number; replies: CommenterReplyRef[] }> {
    const meta = await this.db.collection<CommenterMeta>(this.names.collection(ViewCollections.commenterMeta)).findOne({ _id: commenterId });
    if (!meta) return { total: 0, replies: [] };
    const col = this.db.collection<CommenterReplies>(this.names.collection(ViewCollections.commenterReplies));
    const replies: CommenterReplyRef[] = [];
    for (let b = meta.lastBucket; b >= 0 && replies.length < limit; b--) {
      const bucket = await col.findOne({ _id: commenterRepliesId(commenterId, b) });
      replies.push(...[...(bucket?.replies ?? [])].reverse().slice(0, limit - replies.length));
    }
    return { total: meta.replies, replies };
  }

  /** Their latest replies on one article, newest first: at most `limit`, from their last `buckets` buckets. */
  async recentOn(commenterId: string, articleId: string, limit: number, buckets = 2): Promise<string[]> {
    const meta = await this.db.collection<CommenterMeta>(this.names.collection(ViewCollections.commenterMeta)).findOne({ _id: commenterId });
    if (!meta) return [];
    const col = this.db.collection<CommenterReplies>(this.names.collection(ViewCollections.commenterReplies));
    const ids: string[] = [];
    for (let b = meta.lastBucket; b >= 0 && b > meta.lastBucket - buckets && ids.length < limit; b--) {
      const bucket = await col.findOne({ _id: commenterRepliesId(commenterId, b) });
      for (const r of [...(bucket?.replies ?? [])].reverse()) if (r.articleId === articleId && ids.length < limit) ids.push(r.replyId);
    }
    return ids;
  }

  /** The replies the commenter has reacted to (each once, whatever they did since), in log order. */
  async reactedTo(commenterId: string): Promise<CommenterReplyRef[]> {
    const meta = await this.db.collection<CommenterMeta>(this.names.collection(ViewCollections.commenterMeta)).findOne({ _id: commenterId });
    if (meta?.lastReactionBucket === undefined) return [];
    const buckets = this.db.collection<CommenterReactions>(this.names.collection(ViewCollections.commenterReactions));
    const refs: CommenterReplyRef[] = [];
    for (let b = 0; b <= meta.lastReactionBucket; b++) {
      const bucket = await buckets.findOne({ _id: commenterRepliesId(commenterId, b) });
      refs.push(...(bucket?.replies ?? []));
    }
    return refs;
  }
}
