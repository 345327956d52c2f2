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
  /** How often the sweeper queued it again; past MAX_SWEEPS it is set aside for a human. */
  sweeps?: number;
}

/** A job queued again this often (each after all its tries) keeps failing: left for a human, logged. */
export const MAX_SWEEPS = 20;

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

  /** Jobs due before `before` and not set aside: a scan of a small collection. */
  async due(before: Date, max = 100): Promise<ModerationBacklogDocument[]> {
    const due = await this.docs.find({ dueAt: { $lt: before } }).sort({ dueAt: 1 }).limit(max).toArray();
    return due.filter((d) => (d.sweeps ?? 0) < MAX_SWEEPS);
  }

  /** A running job's heartbeat: due again only once it stops beating. */
  async redispatched(id: string, now: Date): Promise<void> {
    await this.docs.updateOne({ _id: id }, { $set: { dueAt: now } });
  }

  /** The sweeper queued it again. */
  async swept(item: ModerationBacklogDocument, now: Date): Promise<void> {
    await this.docs.updateOne({ _id: item._id }, { $set: { dueAt: now, sweeps: (item.sweeps ?? 0) + 1 } });
  }
}
