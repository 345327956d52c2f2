import { useState } from 'preact/hooks';
import { BulkAction } from '../api';
import { PAST, RecentBatch } from '../batches';

const describe = (b: RecentBatch) => {
  const verb = PAST[b.action];
  if (b.state === 'running') return `${verb}: ${b.total} replies, running…`;
  if (b.state === 'undoing') return `${verb} ${b.changed ?? 0} replies: undoing…`;
  if (b.state === 'undone') return `${verb} ${b.changed ?? 0} replies, then undone: ${b.restored ?? 0} restored${b.changedSince ? `, ${b.changedSince} changed since (left as they are)` : ''}.`;
  if (b.state === 'failed') return `${verb}: the batch failed.`;
  return `${verb} ${b.changed ?? 0} of ${b.total} replies.`;
};

/** Actions on the selection, and the recent batches with their Undo, offered until used or dismissed. */
export function BulkBar(props: {
  selected: number;
  batches: RecentBatch[];
  onBulk: (action: BulkAction, reason: string) => void;
  onUndo: (b: RecentBatch) => void;
  onDismiss: (batchId: string) => void;
  onClear: () => void;
}) {
  const [reason, setReason] = useState('');
  const run = (action: BulkAction) => {
    props.onBulk(action, reason);
    setReason('');
  };
  return (
    <>
      {props.selected > 0 && (
        <div class="bulk" role="group" aria-label="Selected replies">
          <span>{props.selected} selected</span>
          <button type="button" onClick={() => run('approve')}>
            Approve selected
          </button>
          <button type="button" onClick={() => run('reject')}>
            Reject selected
          </button>
          <button type="button" onClick={() => run('spam')}>
            Mark selected as spam
          </button>
          <label>
            Reason <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} maxLength={1000} placeholder="optional, shown to authors" />
          </label>
          <button type="button" class="link" onClick={props.onClear}>
            Clear selection
          </button>
        </div>
      )}
      {props.batches.length > 0 && (
        <ul class="batches" aria-label="Recent bulk actions">
          {props.batches.map((b) => (
            <li key={b.batchId} data-batch-id={b.batchId} data-state={b.state}>
              <span>{describe(b)}</span>
              {b.state === 'completed' && (b.changed ?? 0) > 0 && (
                <button type="button" onClick={() => props.onUndo(b)}>
                  Undo
                </button>
              )}
              {b.state !== 'running' && b.state !== 'undoing' && (
                <button type="button" class="link" onClick={() => props.onDismiss(b.batchId)} aria-label={`Dismiss: ${describe(b)}`}>
                  Dismiss
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
