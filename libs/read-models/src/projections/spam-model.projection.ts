import { ReplyEvent } from '@app/domain';
import { SpamClass, tokenKeysOf } from '@app/moderation';
import { ViewCollections } from '../versions';
import { EventAt, isApplied, Projection, ProjectionStore, ViewDocument } from './projection';

/** Per token key: in how many learned texts of each class it appeared. */
export interface SpamTokenCounts extends ViewDocument {
  spam: number;
  ham: number;
}

/** How many texts were learned of each class (`_id` SPAM_TOTALS_ID). */
export interface SpamTotals extends ViewDocument {
  spam: number;
  ham: number;
}

/**
 * Per reply: the token keys of its current text, and what was learned from it (class and the
 * keys of the text then), so a reversed decision or an erasure takes back exactly that.
 * Keys are hashes: no reader's words are kept in plain.
 */
export interface SpamLesson extends ViewDocument {
  tokens: string[];
  learned: { as: SpamClass; tokens: string[] } | null;
  /** What it had learned before the last bulk decision on it, for that batch's undo to put back. */
  beforeBatch?: { batchId: string; learned: SpamLesson['learned'] } | null;
}

export const SPAM_TOTALS_ID = 'totals';

/** What a moderator's action teaches: marked spam is spam, approved is not; a rejection (abuse, off-topic) says nothing about spam. */
const LESSON: Record<string, SpamClass | null> = { spam: 'spam', approve: 'ham', reject: null };

/**
 * The spam model learned from moderators' decisions: commutative counts per token key and
 * class, so a rebuild in log order gives exactly the live model (libs/moderation spam-model).
 * A decision unlearns what the reply taught before and learns its current text as the new
 * class; an erasure unlearns it. Replay safety: token counts and totals first, the reply's
 * lesson last, and the lesson decides; counts that already have the event are left alone.
 */
export class SpamModelProjection implements Projection {
  readonly name = 'spam-model';
  readonly version = 1;
  readonly collections = [ViewCollections.spamTokens, ViewCollections.spamTotals, ViewCollections.spamLessons];

  async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    const event = at.event as ReplyEvent;
    const L = ViewCollections.spamLessons;
    switch (event.type) {
      case 'reply.submitted':
      case 'reply.edited': {
        const tokens = tokenKeysOf(event.data.body);
        await store.update<SpamLesson>(L, event.data.replyId, at, (doc) => ({ _id: event.data.replyId, tokens, learned: doc?.learned ?? null }));
        return;
      }
      case 'reply.moderated': {
        const lesson = await store.get<SpamLesson>(L, event.data.replyId);
        if (!lesson || isApplied(lesson, at)) return;
        const write = (learned: SpamLesson['learned'], beforeBatch: SpamLesson['beforeBatch']) =>
          store.update<SpamLesson>(L, event.data.replyId, at, () => ({ _id: lesson._id, tokens: lesson.tokens, learned, ...(beforeBatch ? { beforeBatch } : {}) }));
        const unlearn = lesson.learned ? [{ tokens: lesson.learned.tokens, as: lesson.learned.as, sign: -1 as const }] : [];
        if (event.data.action === 'restore') {
          // An undone batch puts back what the reply had taught before it (a moderator's own lesson).
          const before = lesson.beforeBatch?.batchId === event.data.batchId ? lesson.beforeBatch.learned : null;
          if (before?.as !== lesson.learned?.as) await this.count(at, store, [...unlearn, ...(before ? [{ tokens: before.tokens, as: before.as, sign: 1 as const }] : [])]);
          await write(before?.as === lesson.learned?.as ? lesson.learned : before, null);
          return;
        }
        const beforeBatch = event.data.batchId !== null ? { batchId: event.data.batchId, learned: lesson.learned } : null;
        const as = LESSON[event.data.action] ?? null;
        if (as === null || lesson.learned?.as === as) {
          // Nothing new to learn: a rejection leaves what an earlier decision taught.
          if (beforeBatch || lesson.beforeBatch) await write(lesson.learned, beforeBatch);
          return;
        }
        await this.count(at, store, [...unlearn, { tokens: lesson.tokens, as, sign: 1 }]);
        await write({ as, tokens: lesson.tokens }, beforeBatch);
        return;
      }
      case 'reply.erased': {
        const lesson = await store.get<SpamLesson>(L, event.data.replyId);
        if (!lesson || isApplied(lesson, at)) return;
        if (lesson.learned) await this.count(at, store, [{ tokens: lesson.learned.tokens, as: lesson.learned.as, sign: -1 }]);
        await store.update<SpamLesson>(L, event.data.replyId, at, () => ({ _id: lesson._id, tokens: [], learned: null }));
        return;
      }
    }
  }

  /** A document holding nothing is as good as none: a rebuild after an erasure never writes it. */
  isEmpty(collection: string, doc: ViewDocument): boolean {
    if (collection === ViewCollections.spamTokens) return (doc as SpamTokenCounts).spam === 0 && (doc as SpamTokenCounts).ham === 0;
    if (collection === ViewCollections.spamLessons) return (doc as SpamLesson).tokens.length === 0 && (doc as SpamLesson).learned === null;
    return false;
  }

  /**
   * Adds the changes, summed per document first: a document takes one change per event (a
   * second update at the same position would be skipped as already applied).
   */
  private async count(at: EventAt, store: ProjectionStore, changes: { tokens: readonly string[]; as: SpamClass; sign: 1 | -1 }[]): Promise<void> {
    const sums = new Map<string, { spam: number; ham: number }>();
    const totals = { spam: 0, ham: 0 };
    for (const { tokens, as, sign } of changes) {
      totals[as] += sign;
      for (const key of tokens) {
        const sum = sums.get(key) ?? { spam: 0, ham: 0 };
        sum[as] += sign;
        sums.set(key, sum);
      }
    }
    const add = (doc: { spam: number; ham: number } | null, id: string, d: { spam: number; ham: number }) => ({ _id: id, spam: (doc?.spam ?? 0) + d.spam, ham: (doc?.ham ?? 0) + d.ham });
    for (const [key, d] of sums) if (d.spam !== 0 || d.ham !== 0) await store.update<SpamTokenCounts>(ViewCollections.spamTokens, key, at, (doc) => add(doc, key, d));
    await store.update<SpamTotals>(ViewCollections.spamTotals, SPAM_TOTALS_ID, at, (doc) => add(doc, SPAM_TOTALS_ID, totals));
  }
}
