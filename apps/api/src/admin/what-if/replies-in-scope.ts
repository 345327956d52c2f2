import { LogReader } from '@app/event-store';

/** Most replies one what-if looks at: the answer, the time it takes and a batch of its changes stay bounded. */
export const MAX_WHAT_IF_REPLIES = 5_000;

/** Log entries read per round trip. */
const READ_BATCH = 1_000;

/** Which replies: one article's, those submitted within a time range, or both. */
export interface WhatIfScope {
  articleId: string | null;
  /** Bounds on when the log sequenced the submission, both inclusive; null is open. */
  from: Date | null;
  to: Date | null;
}

export interface RepliesInScope {
  replyIds: string[];
  /** False when MAX_WHAT_IF_REPLIES was reached before the end of the scope. */
  complete: boolean;
  /** When the log sequenced the last reply listed: a next what-if can go on from there. */
  lastSequencedAt: string | null;
}

/**
 * Lists the replies in scope by reading the log from the start: no store filters replies by
 * article or time except by a full scan (FerretDB indexes `_id` only), and the log is in
 * sequencing order, so a time range ends the read at its end. Admin work, not a hot path: the
 * cost grows with the log up to the end of the range (the whole log for an article alone).
 */
export async function repliesInScope(log: LogReader, scope: WhatIfScope): Promise<RepliesInScope> {
  const replyIds: string[] = [];
  let lastSequencedAt: string | null = null;
  for (let position = 0; ; ) {
    const entries = await log.readAfter(position, READ_BATCH);
    if (entries.length === 0) return { replyIds, complete: true, lastSequencedAt };
    for (const entry of entries) {
      if (scope.to && entry.sequencedAt.getTime() > scope.to.getTime()) return { replyIds, complete: true, lastSequencedAt };
      if (scope.from && entry.sequencedAt.getTime() < scope.from.getTime()) continue;
      for (const event of entry.events) {
        if (event.type !== 'reply.submitted') continue;
        const data = event.data as { replyId: string; articleId: string };
        if (scope.articleId !== null && data.articleId !== scope.articleId) continue;
        if (replyIds.length === MAX_WHAT_IF_REPLIES) return { replyIds, complete: false, lastSequencedAt };
        replyIds.push(data.replyId);
        lastSequencedAt = entry.sequencedAt.toISOString();
      }
    }
    position = entries[entries.length - 1].position;
  }
}
