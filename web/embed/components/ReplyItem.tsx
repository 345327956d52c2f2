import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, ReplyStatus } from '../api';
import { SectionContext } from '../context';
import { ago, permalink, plural } from '../format';
import { EditReply, RetractReply } from './EditReply';
import { FlagForm } from './FlagForm';
import { Reactions } from './Reactions';
import { ReplyForm } from './ReplyForm';

const OWN_STATUS: Partial<Record<ReplyStatus, string>> = {
  checking: 'Checking…',
  pending: 'Waiting for a moderator',
  rejected: 'Not published',
  spam: 'Not published',
  hidden: 'Hidden from readers',
};

const PLACEHOLDER: Partial<Record<ReplyStatus, string>> = {
  retracted: 'This reply was retracted by its author.',
  removed: 'This reply was removed.',
  hidden: 'This reply is hidden.',
};

type Open = null | 'reply' | 'edit' | 'retract' | 'flag';

/** One reply, its actions, and the replies beneath it. Its text is always text, never HTML. */
export function ReplyItem({ id }: { id: string }) {
  const s = useContext(SectionContext);
  const [open, setOpen] = useState<Open>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const self = useRef<HTMLElement>(null);
  const node = s.model.nodes.get(id);
  const linked = s.linkedId === id;

  useEffect(() => {
    if (linked && self.current) {
      self.current.scrollIntoView({ block: 'center' });
      self.current.focus({ preventScroll: true });
    }
  }, [linked]);

  if (!node) return null;
  const r = node.reply;
  const settings = s.article.replySettings;
  const own = s.ownCredentials(id) !== null;
  const placeholder = PLACEHOLDER[r.status];
  const shown = r.status === 'published' || (node.own !== undefined && !placeholder);
  const ownStatus = node.own ? OWN_STATUS[node.own.status] : undefined;
  const inWindow = Date.now() < new Date(r.submittedAt).getTime() + settings.editWindowMinutes * 60_000;
  const canAnswer = r.status === 'published' && node.depth < settings.maxDepth;
  const canChange = own && inWindow && r.status !== 'retracted' && r.status !== 'removed';
  const canFlag = s.token !== null && !own && r.status === 'published';
  const close = () => setOpen(null);

  const loadChildren = async () => {
    setLoading(true);
    setError(null);
    try {
      s.model.addChildren(id, await s.api.children(id, node.childrenLoaded ? node.childCursor : null));
      s.refresh();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not load the replies.');
    } finally {
      setLoading(false);
    }
  };

  const total = r.replyCount ?? 0;
  const hiddenChildren = node.childrenLoaded ? (node.childCursor ? Math.max(1, total - node.children.length) : 0) : total;
  const authorName = r.author?.name ?? 'Retracted';

  return (
    <li class="reply-li">
      <article
        ref={self}
        id={`reply-${id}`}
        class={`reply${linked ? ' linked' : ''}${r.featured ? ' featured' : ''}`}
        data-reply-id={id}
        data-status={node.own?.status ?? r.status}
        tabIndex={-1}
        aria-label={shown ? `Reply by ${authorName}` : 'Reply placeholder'}
      >
        <header class="reply-head">
          {shown ? <strong class="author">{r.author?.name ?? ''}</strong> : <span class="author muted">—</span>}
          {r.featured && <span class="badge featured-badge">Featured</span>}
          {ownStatus && <span class="badge status-badge">{ownStatus}</span>}
          <a class="permalink" href={permalink(id)} title="Link to this reply">
            <time dateTime={r.submittedAt}>{ago(r.submittedAt)}</time>
          </a>
          {r.editedAt && shown && <span class="muted">(edited)</span>}
        </header>
        {shown ? <p class="body">{r.body}</p> : <p class="body placeholder">{placeholder ?? 'This reply is not shown.'}</p>}
        {node.own?.reasons.length ? <p class="muted reasons">{node.own.reasons.join(' ')}</p> : null}
        <div class="actions">
          {r.status === 'published' && <Reactions replyId={id} own={own} />}
          {canAnswer && (
            <button type="button" aria-expanded={open === 'reply'} onClick={() => setOpen(open === 'reply' ? null : 'reply')}>
              Reply
            </button>
          )}
          {canChange && (
            <button type="button" onClick={() => setOpen('edit')}>
              Edit
            </button>
          )}
          {canChange && (
            <button type="button" onClick={() => setOpen('retract')}>
              Retract
            </button>
          )}
          {canFlag && (
            <button type="button" onClick={() => setOpen('flag')}>
              Report
            </button>
          )}
        </div>
        {open === 'reply' && <ReplyForm parentId={id} parentAuthor={r.author?.name} onDone={close} />}
        {open === 'edit' && <EditReply replyId={id} onDone={close} />}
        {open === 'retract' && <RetractReply replyId={id} onDone={close} />}
        {open === 'flag' && <FlagForm replyId={id} onDone={close} />}
      </article>
      {node.children.length > 0 && (
        <ol class="children" aria-label={`Replies to ${authorName}`}>
          {node.children.map((c) => (
            <ReplyItem key={c} id={c} />
          ))}
        </ol>
      )}
      {hiddenChildren > 0 && (
        <button type="button" class="link more-children" disabled={loading} onClick={loadChildren}>
          {loading ? 'Loading…' : node.children.length === 0 ? `Show ${plural(hiddenChildren, 'reply', 'replies')}` : 'Show more replies'}
        </button>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
