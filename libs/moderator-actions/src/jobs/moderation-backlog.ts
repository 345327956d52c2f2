import { isDuplicateKey } from '@app/event-store';
import type { mongo } from 'mongoose';
import { ModerationJob, ModerationJobData } from './moderation-jobs';

/** One moderation job handed to Redis and not yet finished: `_id` is its job id. */
export interface ModerationBacklogDocument {
  _id: string;
  name: ModerationJob;
  data: ModerationJobData;
  /** When it should have run: now for a batch, the end of a suspension. */
  dueAt: Date;
}

export const MODERATION_BACKLOG = 'moderation_backlog';

/**
 * The batches and suspension ends dispatched from the log and not yet done, in the store: what
 * Redis loses, or a job that ran out of tries, the sweeper finds here. Small: only what waits.
 */
export class ModerationBacklog {
  constructor(private readonly db: mongo.Db) {}

  private get docs() {
    return this.db.collection<ModerationBacklogDocument>(MODERATION_BACKLOG);
  }

  /** Inserted once per job; a replayed dispatch finds it there. */
  async add(items: ModerationBacklogDocument[]): Promise<void> {
    if (items.length === 0) return;
    try {
      await this.docs.insertMany(items, { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
      if (!(isDuplicateKey(error) || (Array.isArray(writeErrors) && writeErrors.every((e) => e.code === 11000)))) throw error;
    }
  }

  async done(id: string): Promise<void> {
    await this.docs.deleteOne({ _id: id });
  }

  /** Jobs due before `before`: a scan of a small collection. */
  due(before: Date, max = 100): Promise<ModerationBacklogDocument[]> {
    return this.docs.find({ dueAt: { $lt: before } }).sort({ dueAt: 1 }).limit(max).toArray();
  }

  async redispatched(id: string, now: Date): Promise<void> {
    await this.docs.updateOne({ _id: id }, { $set: { dueAt: now } });
  }
}
