import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { SectionContext } from '../context';
import { focusReplyLater } from '../focus';

/** Edits one's own reply: the latest text and its version first, then PATCH with If-Match. */
export function EditReply({ replyId, onDone }: { replyId: string; onDone: () => void }) {
  const s = useContext(SectionContext);
  const [body, setBody] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const text = useRef<HTMLTextAreaElement>(null);
  const who = s.ownCredentials(replyId);

  useEffect(() => {
    if (!who) return;
    s.api.detail(replyId, who).then(
      (d) => {
        setBody(d.body);
        setVersion(d.version);
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : 'Could not load your reply.'),
    );
  }, [replyId]);
  useEffect(() => {
    if (body !== null) text.current?.focus();
  }, [body === null]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!who || body === null) return;
    setBusy(true);
    setError(null);
    try {
      await s.api.edit(replyId, version, body, who);
      s.model.update(replyId, (n) => {
        n.reply = { ...n.reply, body, editedAt: new Date().toISOString() };
        n.own = { status: 'checking', reasons: [] };
      });
      s.follow(replyId);
      s.announce('Your edit was sent; it is being checked.');
      s.refresh();
      focusReplyLater(text.current, replyId);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? (err.status === 412 || err.status === 409 ? 'Your reply changed meanwhile; open the editor again.' : err.message) : 'Your edit was not saved.');
    } finally {
      setBusy(false);
    }
  };

  const id = `edit-${replyId}`;
  return (
    <form class="reply-form" onSubmit={save} aria-label="Edit your reply">
      <label for={id}>Edit your reply</label>
      <textarea id={id} ref={text} required rows={3} disabled={body === null} value={body ?? ''} onInput={(e) => setBody(e.currentTarget.value)} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy || body === null}>
          Save edit
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Retracts one's own reply after a second, explicit confirmation. */
export function RetractReply({ replyId, onDone }: { replyId: string; onDone: () => void }) {
  const s = useContext(SectionContext);
  const [error, setError] = useState<string | null>(null);
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => yes.current?.focus(), []);

  const retract = async () => {
    const who = s.ownCredentials(replyId);
    if (!who) return;
    try {
      await s.api.retract(replyId, who);
      s.model.update(replyId, (n) => {
        n.reply = { ...n.reply, status: 'retracted', body: '', author: null };
        n.own = { status: 'retracted', reasons: [] };
      });
      s.announce('Your reply was retracted.');
      s.refresh();
      focusReplyLater(yes.current, replyId);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Your reply was not retracted.');
    }
  };

  return (
    <div class="confirm" role="group" aria-label="Retract your reply">
      <span>Retract this reply? Its text will be gone for everyone.</span>
      <button type="button" class="danger" ref={yes} onClick={retract}>
        Yes, retract
      </button>
      <button type="button" onClick={onDone}>
        Keep it
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
