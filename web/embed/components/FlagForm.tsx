import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, FLAG_REASONS, FlagReason } from '../api';
import { SectionContext } from '../context';
import { focusReplyLater } from '../focus';

const LABELS: Record<FlagReason, string> = { spam: 'Spam', abuse: 'Abuse', 'off-topic': 'Off-topic', other: 'Something else' };

/** Reports a reply to the moderators with a reason (signed-in readers). */
export function FlagForm({ replyId, onDone }: { replyId: string; onDone: () => void }) {
  const s = useContext(SectionContext);
  const [reason, setReason] = useState<FlagReason>('abuse');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);

  const send = async (e: Event) => {
    e.preventDefault();
    try {
      await s.api.flag(replyId, reason, note.trim(), { token: s.token });
      s.announce('Thank you: the moderators will look at this reply.');
      focusReplyLater(first.current, replyId);
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Your report was not sent.');
    }
  };

  return (
    <form class="reply-form" onSubmit={send} aria-label="Report this reply">
      <label for={`flag-${replyId}`}>Why report it?</label>
      <select id={`flag-${replyId}`} ref={first} value={reason} onChange={(e) => setReason(e.currentTarget.value as FlagReason)}>
        {FLAG_REASONS.map((r) => (
          <option value={r}>{LABELS[r]}</option>
        ))}
      </select>
      <label for={`flag-note-${replyId}`}>
        Note <span class="hint">(optional)</span>
      </label>
      <input id={`flag-note-${replyId}`} maxLength={500} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="form-actions">
        <button type="submit" class="primary">
          Send report
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
