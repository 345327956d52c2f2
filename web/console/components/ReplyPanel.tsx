import { useEffect, useRef, useState } from 'preact/hooks';
import { ago } from '../../embed/format';
import { Decision, QueueItem } from '../api';
import type { Opened, Outcome } from './Queues';
import { reasonText } from './QueueList';

const who = (a: { kind: string; name?: string; id?: string } | undefined) => (a ? a.name || a.id || a.kind : 'unknown');

/** The focused reply in full: text, author, article, verdict and reasons, history, and the decisions on it. */
export function ReplyPanel(props: {
  opened: Opened | null;
  item: QueueItem | null;
  gone: string | null;
  outcome: Outcome | null;
  rejecting: boolean;
  onDecide: (action: Decision) => void;
  onReject: (reason: string) => void;
  onRejecting: (on: boolean) => void;
  onCommenter: (id: string) => void;
  onReload: () => void;
}) {
  const { opened, item, outcome } = props;
  const [reason, setReason] = useState('');
  const reasonRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.rejecting) reasonRef.current?.focus();
    else setReason('');
  }, [props.rejecting]);

  if (!item && !opened) return <section class="panel empty" aria-label="Reply">Pick a reply (j/k or a click) to see it whole and decide.</section>;
  const reply = opened?.reply;
  const commenterId = reply?.commenterId ?? item?.commenterId ?? null;
  return (
    <section class="panel" aria-label="Reply" data-reply-id={reply?.id ?? item?.id} data-version={opened ? String(opened.version) : undefined} aria-busy={opened ? undefined : 'true'}>
      {outcome && (
        <div class={`outcome ${outcome.kind}`} role={outcome.kind === 'done' ? 'status' : 'alert'}>
          <p>{outcome.text}</p>
          {outcome.kind === 'conflict' && (
            <button type="button" onClick={props.onReload}>
              Show the latest
            </button>
          )}
        </div>
      )}
      <h2>
        {reply?.author?.name ?? item?.authorName ?? 'Unknown'} <span class={`status status-${reply?.status ?? item?.status}`}>{reply?.status ?? item?.status}</span>
        {reply?.featured && <span class="badge">featured</span>}
      </h2>
      <p class="meta">
        On <span class="article">{reply?.articleId ?? item?.articleId}</span>
        {reply && <> · submitted {ago(reply.submittedAt)}{reply.editedAt ? ` · edited ${ago(reply.editedAt)}` : ''} · version {opened?.version}</>}
      </p>
      <blockquote class="body">{reply?.body ?? item?.excerpt}</blockquote>
      {props.gone && <p class="left">No longer in this queue: now {props.gone}.</p>}
      <dl class="facts">
        {reply?.verdict && (
          <>
            <dt>Verdict</dt>
            <dd>
              {reply.verdict.decision}
              {reply.verdict.score !== null && ` · score ${reply.verdict.score.toFixed(2)}`}
              {reply.verdict.policyVersion !== null && ` · policy v${reply.verdict.policyVersion}`}
            </dd>
          </>
        )}
        {(item?.reasons.length ?? 0) > 0 && (
          <>
            <dt>Why it is here</dt>
            <dd>{item!.reasons.map(reasonText).join('; ')}</dd>
          </>
        )}
        {reply?.verdict && reply.verdict.reasons.length > 0 && reply.verdict.reasons.map(reasonText).join('; ') !== item?.reasons.map(reasonText).join('; ') && (
          <>
            <dt>Screening reasons</dt>
            <dd>{reply.verdict.reasons.map(reasonText).join('; ')}</dd>
          </>
        )}
        {reply?.flags ? (
          <>
            <dt>Flags</dt>
            <dd>
              {reply.flags}
              {reply.hiddenByFlags ? ' (hidden from readers until a moderator approves it)' : ''}
            </dd>
          </>
        ) : null}
        {reply?.appeal && (
          <>
            <dt>Appeal</dt>
            <dd>
              {reply.appeal.status}
              {reply.appeal.note ? `: ${reply.appeal.note}` : ''}
            </dd>
          </>
        )}
        {reply?.decision && (
          <>
            <dt>Last decision</dt>
            <dd>
              {reply.decision.action} · {ago(reply.decision.at)}
              {reply.decision.reason ? `: ${reply.decision.reason}` : ''}
            </dd>
          </>
        )}
      </dl>
      <div class="actions" role="group" aria-label="Decide">
        <button type="button" class="approve" onClick={() => props.onDecide('approve')} aria-keyshortcuts="a">
          Approve <kbd>a</kbd>
        </button>
        <button type="button" class="reject" onClick={() => props.onRejecting(true)} aria-keyshortcuts="r">
          Reject… <kbd>r</kbd>
        </button>
        <button type="button" class="spam" onClick={() => props.onDecide('spam')} aria-keyshortcuts="s">
          Spam <kbd>s</kbd>
        </button>
        <button type="button" onClick={() => props.onDecide(reply?.featured ? 'unfeature' : 'feature')} aria-keyshortcuts="f">
          {reply?.featured ? 'Unfeature' : 'Feature'} <kbd>f</kbd>
        </button>
        {commenterId && (
          <button type="button" class="link" onClick={() => props.onCommenter(commenterId)}>
            Commenter’s history
          </button>
        )}
      </div>
      {props.rejecting && (
        <form
          class="reject-form"
          aria-label="Reject with a reason"
          onSubmit={(e) => {
            e.preventDefault();
            props.onReject(reason);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') props.onRejecting(false);
          }}
        >
          <label for="reject-reason">Reason (optional, shown to the author)</label>
          <input id="reject-reason" ref={reasonRef} value={reason} maxLength={1000} onInput={(e) => setReason(e.currentTarget.value)} />
          <button type="submit">Reject</button>
          <button type="button" class="link" onClick={() => props.onRejecting(false)}>
            Cancel
          </button>
        </form>
      )}
      {reply?.history && reply.history.length > 0 && (
        <details class="history">
          <summary>History ({reply.history.length})</summary>
          <ol>
            {reply.history.map((h) => (
              <li key={h.version}>
                v{h.version} {h.type} by {who(h.actor)} · {ago(h.at)}
                {h.status ? ` → ${h.status}` : ''}
                {h.reason ? `: ${h.reason}` : ''}
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}
