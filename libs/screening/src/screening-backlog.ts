import { isDuplicateKey } from '@app/event-store';
import type { mongo } from 'mongoose';
import { ScreenReplyData } from './screening-jobs';

/** One reply version waiting for its verdict: `<replyId>.v<version>`. */
export interface BacklogDocument extends ScreenReplyData {
  _id: string;
  /** When a job for it was last put on the queue. */
  dispatchedAt: Date;
}

export const SCREENING_BACKLOG = 'screening_backlog';

export const backlogId = (replyId: string, version: number) => `${replyId}.v${version}`;

/**
 * The reply versions handed to screening and not yet decided, in the store: what Redis may
 * lose (a restart without persistence, a stalled job BullMQ fails on its own, a hold that
 * could not be written) the sweeper finds here and queues again. Small: only what is waiting.
 */
export class ScreeningBacklog {
  constructor(private readonly db: mongo.Db) {}

  private get docs() {
    return this.db.collection<BacklogDocument>(SCREENING_BACKLOG);
  }

  /** Inserted once per version; a replayed dispatch finds it there. */
  async add(items: ScreenReplyData[], now: Date): Promise<void> {
    if (items.length === 0) return;
    try {
      await this.docs.insertMany(items.map((i) => ({ _id: backlogId(i.replyId, i.version), ...i, dispatchedAt: now })), { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
      const onlyDuplicates = isDuplicateKey(error) || (Array.isArray(writeErrors) && writeErrors.every((e) => e.code === 11000));
      if (!onlyDuplicates) throw error;
    }
  }

  async done(replyId: string, version: number): Promise<void> {
    await this.docs.deleteOne({ _id: backlogId(replyId, version) });
  }

  /** Versions dispatched longer ago than `before`: a scan of a small collection. */
  due(before: Date, max = 200): Promise<BacklogDocument[]> {
    return this.docs.find({ dispatchedAt: { $lt: before } }).sort({ dispatchedAt: 1 }).limit(max).toArray();
  }

  async redispatched(id: string, now: Date): Promise<void> {
    await this.docs.updateOne({ _id: id }, { $set: { dispatchedAt: now } });
  }
}
