import { ModerationBatch } from '@app/domain';

/** Lists in a batch's answer stop here; the counts are whole. */
export const LISTED = 500;

/** A batch as a moderator sees it, from its own stream: always current, never behind a projector. */
export function batchView(batch: ModerationBatch) {
  const first = <T>(items: Iterable<T>) => [...items].slice(0, LISTED);
  const processed = batch.changed.size + batch.unchanged.size + batch.failed.size;
  return {
    batchId: batch.id,
    action: batch.action,
    reason: batch.reason,
    selection: selectionView(batch),
    state: batch.state,
    requestedAt: batch.requestedAt,
    completedAt: batch.completedAt,
    progress: { processed, total: batch.replyIds?.length ?? (batch.state === 'running' ? null : processed) },
    counts: { changed: batch.changed.size, unchanged: batch.unchanged.size, failed: batch.failed.size },
    changed: first(batch.changed),
    unchanged: first([...batch.unchanged].map(([replyId, status]) => ({ replyId, status }))),
    failed: first([...batch.failed].map(([replyId, error]) => ({ replyId, error }))),
    undo:
      batch.state === 'undoing' || batch.state === 'undone'
        ? {
            undoneAt: batch.undoneAt,
            counts: { restored: batch.restored.size, changedSince: batch.changedSince.size },
            restored: first(batch.restored),
            changedSince: first([...batch.changedSince].map(([replyId, c]) => ({ replyId, ...c }))),
          }
        : null,
  };
}

/** Listed replies are counted, a commenter named; decisions are counted by action. */
function selectionView({ selection }: ModerationBatch) {
  if ('replyIds' in selection) return { replies: selection.replyIds.length };
  if ('commenterId' in selection) return { commenterId: selection.commenterId };
  const byAction: Record<string, number> = {};
  for (const d of selection.decisions) byAction[d.action] = (byAction[d.action] ?? 0) + 1;
  return { replies: selection.decisions.length, decisions: byAction };
}
