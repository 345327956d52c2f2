import { useCallback, useEffect, useState } from 'preact/hooks';
import { ago } from '../../embed/format';
import { ApiError, Commenter, ConsoleApi, StandingAction } from '../api';
import { RecentBatch } from '../batches';

const ACTIONS: [StandingAction, string][] = [
  ['ban', 'Ban'],
  ['suspend', 'Suspend'],
  ['premod', 'Pre-moderate'],
  ['trust', 'Trust'],
  ['restore', 'Restore to normal'],
];

/** A commenter as moderators see them: standing and its history, counts by status, latest replies; and the standing actions. */
export function CommenterPanel(props: { api: ConsoleApi; commenterId: string; onClose: () => void; onFailed: (e: unknown) => string; onBatch: (b: RecentBatch) => void }) {
  const { api, commenterId, onFailed } = props;
  const [commenter, setCommenter] = useState<Commenter | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [action, setAction] = useState<StandingAction>('suspend');
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState('1440');
  const [rejectAll, setRejectAll] = useState(false);

  const load = useCallback(async () => {
    try {
      setCommenter(await api.commenter(commenterId));
    } catch (e) {
      setError(onFailed(e));
    }
  }, [api, commenterId, onFailed]);
  useEffect(() => void load(), [load]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const body: { reason?: string; durationMinutes?: number; rejectAll?: boolean } = {};
      if (reason.trim()) body.reason = reason.trim();
      if (action === 'suspend') body.durationMinutes = Number(minutes);
      if (action === 'ban' && rejectAll) body.rejectAll = true;
      const changed = await api.changeStanding(commenterId, action, body);
      setDone(`Standing is now ${changed.standing}.${changed.batchId ? ' Their replies are being rejected as a batch you can undo above the list.' : ''}`);
      if (changed.batchId) props.onBatch({ batchId: changed.batchId, action: 'reject', total: commenter?.replies.total ?? 0, state: 'running', changed: null, restored: null, changedSince: null });
      setReason('');
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? onFailed(err) : String(err));
    }
  };

  return (
    <section class="panel commenter" aria-label="Commenter">
      <button type="button" class="link" onClick={props.onClose}>
        ← Back to the reply
      </button>
      <h2>Commenter</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p class="outcome done" role="status">
          {done}
        </p>
      )}
      {!commenter && !error && <p>Loading…</p>}
      {commenter && (
        <>
          <p class="meta">
            <code>{commenter.commenterId}</code>
            {commenter.erased && ' · erased'}
          </p>
          <p>
            Standing: <strong data-standing={commenter.standing}>{commenter.standing}</strong>
            {commenter.suspendedUntil && ` until ${new Date(commenter.suspendedUntil).toLocaleString()}`}
          </p>
          <p>
            {commenter.replies.total} replies
            {Object.keys(commenter.replies.counts).length > 0 &&
              ` (latest ${commenter.replies.counted}: ${Object.entries(commenter.replies.counts)
                .map(([status, n]) => `${n} ${status}`)
                .join(', ')})`}
          </p>
          {commenter.replies.latest.length > 0 && (
            <ul class="latest" aria-label="Their latest replies">
              {commenter.replies.latest.slice(0, 20).map((r) => (
                <li key={r.replyId}>
                  <span class={`status status-${r.status}`}>{r.status}</span> {r.excerpt} <span class="meta">· {ago(r.submittedAt)}</span>
                </li>
              ))}
            </ul>
          )}
          {commenter.history.length > 0 && (
            <details>
              <summary>Standing history ({commenter.history.length})</summary>
              <ol>
                {commenter.history.map((h, i) => (
                  <li key={i}>
                    {h.standing ?? h.action} by {h.by?.name ?? h.by?.id ?? 'system'} · {ago(h.at)}
                    {h.reason ? `: ${h.reason}` : ''}
                  </li>
                ))}
              </ol>
            </details>
          )}
          <form class="standing" aria-label="Change standing" onSubmit={submit}>
            <label for="standing-action">Action</label>
            <select id="standing-action" value={action} onChange={(e) => setAction(e.currentTarget.value as StandingAction)}>
              {ACTIONS.map(([a, label]) => (
                <option value={a} key={a}>
                  {label}
                </option>
              ))}
            </select>
            {action === 'suspend' && (
              <>
                <label for="standing-minutes">Minutes</label>
                <input id="standing-minutes" type="number" min={1} value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />
              </>
            )}
            {action === 'ban' && (
              <label class="check">
                <input type="checkbox" checked={rejectAll} onChange={(e) => setRejectAll(e.currentTarget.checked)} /> Also reject all their replies (undoable)
              </label>
            )}
            <label for="standing-reason">Reason (kept in their history)</label>
            <input id="standing-reason" value={reason} maxLength={1000} onInput={(e) => setReason(e.currentTarget.value)} />
            <button type="submit">Apply</button>
          </form>
        </>
      )}
    </section>
  );
}
