import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { SectionContext } from '../context';
import { rememberEditToken } from '../guest-tokens';
import { nameInToken } from '../token';
import { focusReplyLater } from '../focus';

interface Props {
  parentId: string | null;
  /** For the label: whom this answers. */
  parentAuthor?: string;
  onDone?: () => void;
}

let formCount = 0;
/** A guest's name and email, kept for their next reply on this page (in memory only, never stored). */
const guestDetails = { name: '', email: '' };

/** A reply to the article or to a reply: text, and for guests a name and an email. */
export function ReplyForm({ parentId, parentAuthor, onDone }: Props) {
  const s = useContext(SectionContext);
  const [uid] = useState(() => `f${++formCount}`);
  const [body, setBody] = useState('');
  const [name, setName] = useState(guestDetails.name);
  const [email, setEmail] = useState(guestDetails.email);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const text = useRef<HTMLTextAreaElement>(null);
  const honeypot = useRef<HTMLInputElement>(null);
  const guest = s.token === null;

  useEffect(() => {
    if (parentId) text.current?.focus();
  }, [parentId]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const payload: Record<string, unknown> = { body };
      if (parentId) payload.parentId = parentId;
      if (guest) payload.author = { name: name.trim(), email: email.trim() };
      // Never filled by this form: only something filling every field in the page sends it.
      const website = honeypot.current?.value ?? '';
      if (website) payload.website = website;
      const answer = await s.api.submit(s.article.id, payload, { token: s.token });
      if (answer.editToken) rememberEditToken(answer.id, s.article.id, answer.editToken);
      if (guest) Object.assign(guestDetails, { name: name.trim(), email: email.trim() });
      const now = new Date().toISOString();
      s.model.addOwn(
        { id: answer.id, parentId, author: { name: guest ? name.trim() : (nameInToken(s.token) ?? 'You') }, body, status: answer.status, featured: false, submittedAt: now, editedAt: null, replyCount: 0 },
        { status: answer.status, reasons: [] },
      );
      s.wrote(answer.id, answer.editToken);
      setBody('');
      s.announce(answer.status === 'pending' ? 'Your reply was sent; a moderator will look at it.' : 'Your reply was sent; it is being checked.');
      s.refresh();
      // A reply to a reply closes its form: the focus goes to the new reply.
      if (parentId) focusReplyLater(text.current, answer.id);
      onDone?.();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong; your reply was not sent.');
    } finally {
      setBusy(false);
    }
  };

  const closed = !s.article.replySettings.open || (s.article.repliesCloseAt !== null && new Date(s.article.repliesCloseAt) <= new Date());
  if (closed) return <p class="note">Replies are closed on this article.</p>;
  if (guest && !s.article.replySettings.guestsAllowed) return <p class="note">Sign in on this site to reply.</p>;

  return (
    <form class="reply-form" onSubmit={submit} aria-label={parentId ? `Reply to ${parentAuthor ?? 'this reply'}` : 'Leave a reply'}>
      <label for={`${uid}-body`}>{parentId ? `Your reply to ${parentAuthor ?? 'this reply'}` : 'Your reply'}</label>
      <textarea id={`${uid}-body`} ref={text} required maxLength={10000} rows={parentId ? 3 : 4} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      {guest && (
        <div class="guest-fields">
          <div>
            <label for={`${uid}-name`}>Name</label>
            <input id={`${uid}-name`} required maxLength={80} autocomplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <div>
            <label for={`${uid}-email`}>Email <span class="hint">(never shown)</span></label>
            <input id={`${uid}-email`} type="email" required maxLength={254} autocomplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
          </div>
        </div>
      )}
      <div class="trap" aria-hidden="true">
        <label for={`${uid}-website`}>Website</label>
        <input id={`${uid}-website`} name="website" ref={honeypot} tabIndex={-1} autocomplete="off" />
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Sending…' : 'Post reply'}
        </button>
        {onDone && (
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
