import { ReplyEvent, VerdictReason } from '@app/domain';
import { ViewCollections } from '../versions';
import { EventAt, isApplied, Projection, ProjectionStore, ViewDocument } from './projection';

/** Entries per bucket of a moderation log list. */
export const LOG_BUCKET_SIZE = 200;

/** One thing a moderator or a rule did to a reply. */
export interface ModerationLogEntry {
  position: number;
  at: string;
  replyId: string;
  articleId: string;
  /** What was done: a verdict's decision (`verdict:hold`), the moderator's action, or their final decision on an appeal (`appeal:approve`). */
  action: string;
  /** A moderator (by their account id) or the system and its rule. */
  by: { kind: string; id: string };
  status: string | null;
  previousStatus: string | null;
  reason: string | null;
  reasons: VerdictReason[];
  policyVersion: number | null;
  modelVersion: number | null;
  batchId: string | null;
}

export interface ModerationLogBucket extends ViewDocument {
  list: string;
  bucket: number;
  entries: ModerationLogEntry[];
}

export interface ModerationLogMeta extends ViewDocument {
  lastBucket: number;
  lastBucketSize: number;
}

/** The lists: everything, per article, per moderator. */
export const logLists = (e: ModerationLogEntry): string[] => ['all', `article:${e.articleId}`, ...(e.by.kind === 'system' ? [] : [`moderator:${e.by.id}`])];
export const logBucketId = (list: string, bucket: number) => `${list}/${bucket}`;

/**
 * The moderation log, built from events: who or which rule acted on which reply, why, when,
 * under which policy and model version. Append-only lists in buckets; a list's counter is
 * written after its bucket, and a counter that has the event means the list has it.
 */
export class ModerationLogProjection implements Projection {
  readonly name = 'moderation-log';
  readonly version = 1;
  readonly collections = [ViewCollections.logBuckets, ViewCollections.logMeta];

  async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    const event = at.event as ReplyEvent;
    const actor = at.entry.metadata.actor;
    const base = { position: at.entry.position, replyId: '', articleId: '', by: { kind: actor.kind, id: actor.id }, status: null, previousStatus: null, reason: null, reasons: [], policyVersion: null, modelVersion: null, batchId: null };
    let entry: ModerationLogEntry | null = null;
    switch (event.type) {
      case 'reply.screened': {
        const d = event.data;
        entry = { ...base, at: d.screenedAt, replyId: d.replyId, articleId: d.articleId, action: `verdict:${d.decision}`, status: d.status, previousStatus: d.previousStatus, reasons: d.reasons, policyVersion: d.policyVersion, modelVersion: d.modelVersion };
        break;
      }
      case 'reply.moderated': {
        const d = event.data;
        entry = { ...base, at: d.decidedAt, replyId: d.replyId, articleId: d.articleId, action: d.settlesAppeal ? `appeal:${d.action}` : d.action, status: d.status, previousStatus: d.previousStatus, reason: d.reason, batchId: d.batchId };
        break;
      }
      case 'reply.featured':
        entry = { ...base, at: event.data.featuredAt, replyId: event.data.replyId, articleId: event.data.articleId, action: 'feature' };
        break;
      case 'reply.unfeatured':
        entry = { ...base, at: event.data.unfeaturedAt, replyId: event.data.replyId, articleId: event.data.articleId, action: 'unfeature' };
        break;
    }
    if (!entry) return;
    for (const list of logLists(entry)) {
      const meta = await store.get<ModerationLogMeta>(ViewCollections.logMeta, list);
      if (isApplied(meta, at)) continue;
      const full = meta !== null && meta.lastBucketSize >= LOG_BUCKET_SIZE;
      const bucket = meta === null ? 0 : full ? meta.lastBucket + 1 : meta.lastBucket;
      const logged = entry;
      await store.update<ModerationLogBucket>(ViewCollections.logBuckets, logBucketId(list, bucket), at, (doc) => ({
        _id: logBucketId(list, bucket),
        list,
        bucket,
        entries: [...(doc?.entries ?? []), logged],
      }));
      await store.update<ModerationLogMeta>(ViewCollections.logMeta, list, at, () => ({
        _id: list,
        lastBucket: bucket,
        lastBucketSize: meta === null || full ? 1 : meta.lastBucketSize + 1,
      }));
    }
  }
}
