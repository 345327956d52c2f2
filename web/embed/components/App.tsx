import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { Api, ApiError, Article, Credentials, Reply, Sort } from '../api';
import { Section, SectionContext } from '../context';
import { linkedReplyId, plural } from '../format';
import { editTokenOf, editTokensFor } from '../guest-tokens';
import { ThreadModel } from '../model';
import { nameInToken } from '../token';
import { NewReplies } from './NewReplies';
import { ReplyForm } from './ReplyForm';
import { ReplyItem } from './ReplyItem';

interface Props {
  api: Api;
  articleId: string;
  token: string | null;
}

const SORTS: Record<Sort, string> = { newest: 'Newest first', oldest: 'Oldest first', top: 'Top' };
const FOLLOW_TRIES = 60;

/** The reply section: the form, the thread with its live arrivals, and the reader's own replies. */
export function App({ api, articleId, token }: Props) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [article, setArticle] = useState<Article | null>(null);
  const [sort, setSort] = useState<Sort>('newest');
  const [model, setModel] = useState(() => new ThreadModel('newest'));
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [message, setMessage] = useState('');
  const [linkedId, setLinkedId] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const mine = useRef(new Set<string>());
  const followed = useRef(new Map<string, number>());
  const root = useRef<HTMLElement>(null);
  const modelRef = useRef(model);
  modelRef.current = model;

  const load = async (order: Sort) => {
    const next = new ThreadModel(order);
    try {
      const [a, page] = await Promise.all([api.article(articleId), api.thread(articleId, order, null)]);
      next.addPage(page);
      await addMine(next);
      const wanted = linkedReplyId();
      if (wanted) await openLinked(next, wanted);
      setArticle(a);
      setModel(next);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The replies could not be loaded.');
    }
  };

  /** The reader's own replies on this article that the thread does not show yet, with their status. */
  const addMine = async (m: ThreadModel) => {
    const tokens = token ? [] : editTokensFor(articleId);
    if (!token && tokens.length === 0) return;
    try {
      const { items } = await api.mine(articleId, token, tokens);
      for (const r of items) {
        mine.current.add(r.id);
        // Published ones are in the thread, unless its view has not caught up yet: then here.
        if (r.status === 'retracted' || (r.status === 'published' && m.nodes.has(r.id))) continue;
        if (r.parentId && !m.nodes.has(r.parentId)) continue;
        m.addOwnAside({ id: r.id, parentId: r.parentId, author: { name: token ? (nameInToken(token) ?? 'You') : 'You' }, body: r.body, status: r.status, featured: false, submittedAt: r.submittedAt, editedAt: r.editedAt, replyCount: 0 }, { status: r.status, reasons: r.reasons });
        if (r.status === 'checking') follow(r.id);
      }
    } catch {
      /* the thread works without them */
    }
  };

  /** A permalink: the reply if the first page has it, else fetched and shown above the thread. */
  const openLinked = async (m: ThreadModel, id: string) => {
    if (!m.nodes.has(id)) {
      try {
        const d = await api.detail(id, { token });
        if ((d as { articleId?: string }).articleId !== articleId) return;
        m.addLinked(d, (d as { depth?: number }).depth ?? 1);
      } catch {
        return;
      }
    }
    setLinkedId(id);
  };

  useEffect(() => {
    void load(sort);
  }, [articleId, token, sort]);

  useEffect(() => {
    const onHash = () => {
      const id = linkedReplyId();
      if (id) void openLinked(modelRef.current, id).then(() => rerender(0));
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, [articleId]);

  // Live: replies published elsewhere wait behind the "N new replies" button.
  useEffect(() => {
    const source = new EventSource(api.streamUrl(articleId));
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.addEventListener('reply', (e) => {
      let r: Reply;
      try {
        r = JSON.parse((e as MessageEvent<string>).data) as Reply;
      } catch {
        return;
      }
      const outcome = modelRef.current.live(r);
      if (outcome !== 'ignored') rerender(0);
    });
    source.addEventListener('reset', () => void load(sort));
    return () => source.close();
  }, [articleId, sort]);

  useEffect(() => {
    const timers = followed.current;
    return () => timers.forEach((t) => clearTimeout(t));
  }, []);

  const ownCredentials = (replyId: string): Credentials | null => {
    if (token) return mine.current.has(replyId) ? { token } : null;
    const editToken = editTokenOf(replyId);
    return editToken ? { token: null, editToken } : null;
  };

  /** Asks for the reply's status until its verdict: checking, then published, pending or refused. */
  function follow(replyId: string, tries = 0) {
    const timers = followed.current;
    clearTimeout(timers.get(replyId));
    const who = ownCredentials(replyId) ?? { token };
    const wait = Math.min(500 * 2 ** Math.min(tries, 3), 4000);
    timers.set(
      replyId,
      window.setTimeout(async () => {
        try {
          const d = await api.detail(replyId, who);
          const node = modelRef.current.nodes.get(replyId);
          if (node?.own && node.own.status !== d.status) {
            node.own = { status: d.status, reasons: d.reasons ?? [] };
            if (d.status === 'published') node.reply = { ...node.reply, status: 'published', body: d.body };
            announce(d.status === 'published' ? 'Your reply is published.' : d.status === 'pending' ? 'Your reply waits for a moderator.' : d.status === 'checking' ? '' : 'Your reply was not published.');
            rerender(0);
          }
          if (d.status === 'checking' && tries < FOLLOW_TRIES) follow(replyId, tries + 1);
        } catch {
          if (tries < FOLLOW_TRIES) follow(replyId, tries + 1);
        }
      }, wait),
    );
  }

  const announce = (text: string) => text && setMessage(text);

  const section: Section | null = article && {
    api,
    article,
    model,
    token,
    refresh: () => rerender(0),
    announce,
    ownCredentials,
    wrote: (id: string) => {
      mine.current.add(id);
      follow(id);
    },
    follow: (id: string) => follow(id),
    linkedId,
  };

  const loadMore = async () => {
    setLoadingMore(true);
    try {
      model.addPage(await api.thread(articleId, sort, model.nextCursor));
      rerender(0);
    } catch (err) {
      announce(err instanceof ApiError ? err.message : 'More replies could not be loaded.');
    } finally {
      setLoadingMore(false);
    }
  };

  const reveal = () => {
    const first = model.reveal();
    rerender(0);
    // The button is gone: focus moves to the first new reply, without scrolling the page.
    if (first) requestAnimationFrame(() => root.current?.querySelector<HTMLElement>(`[data-reply-id="${first}"]`)?.focus({ preventScroll: true }));
  };

  const who = nameInToken(token);
  const ordered = model.ordered();
  const linkedAside = model.linked && !ordered.includes(model.linked) && !isNested(model, model.linked) ? model.linked : null;

  return (
    <section class="section" aria-labelledby="rs-title" ref={root} data-live={live ? 'open' : 'connecting'}>
      <h2 id="rs-title">Leave a reply</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {section && (
        <SectionContext.Provider value={section}>
          <p class="muted signed">{who ? `Signed in as ${who}.` : 'Replying as a guest: your email is never shown.'}</p>
          <ReplyForm parentId={null} />
          <div class="toolbar">
            <p class="count">{plural(Math.max(article?.stats.replies ?? 0, countOf(model)), 'reply', 'replies')}</p>
            <label for="rs-sort">Sort</label>
            <select id="rs-sort" value={sort} onChange={(e) => setSort(e.currentTarget.value as Sort)}>
              {(Object.keys(SORTS) as Sort[]).map((k) => (
                <option value={k}>{SORTS[k]}</option>
              ))}
            </select>
          </div>
          <NewReplies count={model.arrivals.length} onReveal={reveal} />
          {linkedAside && (
            <div class="linked-aside" aria-label="The reply you followed a link to">
              <p class="muted">The reply you followed a link to:</p>
              <ol class="thread">
                <ReplyItem id={linkedAside} />
              </ol>
            </div>
          )}
          <ol class="thread" aria-label="Replies">
            {ordered.map((id) => (
              <ReplyItem key={id} id={id} />
            ))}
          </ol>
          {ordered.length === 0 && <p class="muted">No replies yet. Be the first.</p>}
          {model.nextCursor && (
            <button type="button" class="more" disabled={loadingMore} onClick={loadMore}>
              {loadingMore ? 'Loading…' : 'Load more replies'}
            </button>
          )}
        </SectionContext.Provider>
      )}
      <p class="visually-hidden" role="status" aria-live="polite">
        {message}
      </p>
    </section>
  );
}

const countOf = (m: ThreadModel) => m.top.reduce((n, id) => n + 1 + (m.nodes.get(id)?.reply.replyCount ?? 0), 0);

const isNested = (m: ThreadModel, id: string) => [...m.nodes.values()].some((n) => n.children.includes(id));
