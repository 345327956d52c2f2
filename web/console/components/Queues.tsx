import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, BulkAction, ConsoleApi, Counts, Decision, Queue, QueueChange, QueueItem, QUEUES, ReplyDetail, versionOf } from '../api';
import { BatchTracker, PAST, RecentBatch } from '../batches';
import { useModerationStream } from '../live';
import { BulkBar } from './BulkBar';
import { CommenterPanel } from './CommenterPanel';
import { QueueList } from './QueueList';
import { ReplyPanel } from './ReplyPanel';

export const QUEUE_LABELS: Record<Queue, string> = { pending: 'Pending', reported: 'Reported', appeals: 'Appeals', spam: 'Spam', rejected: 'Rejected', approved: 'Approved' };
const PAGE = 20;
const STILL_LOADING = 'This reply is still loading: decide once it shows.';

export interface Opened {
  reply: ReplyDetail;
  version: number;
}

/** What a reply's panel says after an action on it: done, refused, or a conflict with someone else's change. */
export interface Outcome {
  replyId: string;
  kind: 'done' | 'error' | 'conflict';
  text: string;
}

/** Keys go to the page unless the moderator is typing: text fields, selects and editable text keep theirs. */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  return el.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((el as HTMLInputElement).type);
}

/** The queues: tabs with live counts, a list worked from the keyboard, the focused reply's panel, bulk actions with undo. */
export function Queues({ api, batches: tracker, onUnauthorized }: { api: ConsoleApi; batches: BatchTracker; onUnauthorized: () => void }) {
  const [queue, setQueue] = useState<Queue>('pending');
  const [articleId, setArticleId] = useState('');
  const [order, setOrder] = useState<'newest' | 'oldest'>('newest');
  const [counts, setCounts] = useState<Counts | null>(null);
  const [items, setItems] = useState<QueueItem[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [listError, setListError] = useState<string | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [gone, setGone] = useState<Map<string, string>>(new Map());
  const [opened, setOpened] = useState<Opened | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [commenterId, setCommenterId] = useState<string | null>(null);
  const [batches, setBatches] = useState<RecentBatch[]>(() => tracker.batches);
  const [announcement, setAnnouncement] = useState('');
  const listRef = useRef<HTMLUListElement>(null);
  const moveFocus = useRef(false);
  /** The latest status the stream or our own decisions told us of, per reply: what a focused item that left the queue shows. */
  const seen = useRef(new Map<string, string>());
  /** Replies with a decision on its way: a second key press or click waits for the first. */
  const deciding = useRef(new Set<string>());
  /** Bumped by every list request: an answer to an older one (another tab, filter or order) is dropped. */
  const listRequest = useRef(0);
  const state = useRef({ items, focusId, queue, articleId, order, opened, commenterId, gone });
  state.current = { items, focusId, queue, articleId, order, opened, commenterId, gone };

  useEffect(() => tracker.subscribe(setBatches), [tracker]);

  const failed = useCallback(
    (error: unknown): string => {
      if (error instanceof ApiError && error.status === 401) onUnauthorized();
      return error instanceof ApiError ? error.message : String(error);
    },
    [onUnauthorized],
  );

  const loadCounts = useCallback(async () => {
    try {
      setCounts(await api.counts());
    } catch (error) {
      failed(error);
    }
  }, [api, failed]);

  /** The first page again (as many items as shown, up to 100), keeping the focused item in place if it left the queue. */
  const reload = useCallback(
    async (keep = true) => {
      const request = ++listRequest.current;
      const { queue: q, articleId: a, order: o, items: shown, focusId: focused } = state.current;
      try {
        const page = await api.queue(q, { articleId: a.trim() || undefined, order: o, limit: keep ? Math.min(100, Math.max(PAGE, shown.length)) : PAGE });
        if (request !== listRequest.current) return;
        let next = page.items;
        let left: Map<string, string> = new Map();
        if (keep && focused && !next.some((i) => i.id === focused)) {
          const at = shown.findIndex((i) => i.id === focused);
          if (at >= 0) {
            next = [...next.slice(0, at), shown[at], ...next.slice(at)];
            left = new Map([[focused, seen.current.get(focused) ?? 'changed']]);
          }
        }
        setItems(next);
        setGone(left);
        setNextCursor(page.nextCursor);
        setListError(null);
        // A reply that left the queue is never part of a bulk action.
        setSelected((s) => new Set([...s].filter((id) => page.items.some((i) => i.id === id))));
        // A fresh list starts at its first reply; a refreshed one keeps the focus, or takes the first if it had none.
        if (!keep) setFocusId(next[0]?.id ?? null);
        else setFocusId((f) => f ?? next[0]?.id ?? null);
      } catch (error) {
        if (request === listRequest.current) setListError(failed(error));
      } finally {
        if (request === listRequest.current) setLoading(false);
      }
    },
    [api, failed],
  );

  useEffect(() => {
    setLoading(true);
    setItems([]);
    setNextCursor(null);
    setSelected(new Set());
    setGone(new Map());
    setOpened(null);
    setOutcome(null);
    setFocusId(null);
    void reload(false);
    void loadCounts();
  }, [queue, articleId, order, reload, loadCounts]);

  // Live: counts on every change; the list when the change names this queue or one shown. The
  // stream follows the log, the lists a view a moment behind it: read again soon, then twice more
  // after the last change, so what is shown settles on what the view has caught up with.
  const soon = useRef<ReturnType<typeof setTimeout> | null>(null);
  const later = useRef<ReturnType<typeof setTimeout>[]>([]);
  const refreshSoon = useCallback(
    (list: boolean) => {
      const run = () => {
        void loadCounts();
        if (list) void reload(true);
      };
      if (!soon.current) {
        soon.current = setTimeout(() => {
          soon.current = null;
          run();
        }, 250);
      }
      for (const t of later.current) clearTimeout(t);
      later.current = [1_000, 3_000].map((ms) => setTimeout(run, ms));
    },
    [loadCounts, reload],
  );
  const onChange = useCallback(
    (change: QueueChange) => {
      seen.current.set(change.replyId, change.status);
      const { queue: q, items: shown } = state.current;
      refreshSoon(change.queues.includes(q) || shown.some((i) => i.id === change.replyId));
    },
    [refreshSoon],
  );
  // Opened, reopened after a gap, or told it fell too far behind: what is shown is reloaded.
  const onReset = useCallback(() => void reload(true).then(loadCounts), [reload, loadCounts]);
  const live = useModerationStream(api, onChange, onReset, onUnauthorized);
  useEffect(
    () => () => {
      if (soon.current) clearTimeout(soon.current);
      for (const t of later.current) clearTimeout(t);
    },
    [],
  );

  // The focused item's detail (full text, version for If-Match, verdict, history).
  const open = useCallback(
    async (id: string): Promise<Opened | null> => {
      try {
        const answer = await api.reply(id);
        const next = { reply: answer.body, version: versionOf(answer.etag, answer.body.version) };
        if (state.current.focusId === id) {
          setOpened(next);
          setOutcome((o) => (o?.replyId === id && o.text === STILL_LOADING ? null : o));
        }
        return next;
      } catch (error) {
        if (state.current.focusId === id) setOutcome({ replyId: id, kind: 'error', text: failed(error) });
        return null;
      }
    },
    [api, failed],
  );
  useEffect(() => {
    setRejecting(false);
    setCommenterId(null);
    setOpened(null);
    if (focusId) void open(focusId);
  }, [focusId, open]);

  useEffect(() => {
    if (!moveFocus.current || !focusId) return;
    moveFocus.current = false;
    listRef.current?.querySelector<HTMLElement>(`[data-reply-id="${CSS.escape(focusId)}"]`)?.focus();
  }, [focusId, items]);

  const move = (by: number) => {
    const list = state.current.items;
    if (list.length === 0) return;
    const at = list.findIndex((i) => i.id === state.current.focusId);
    const next = at < 0 ? 0 : Math.max(0, Math.min(list.length - 1, at + by));
    moveFocus.current = true;
    setFocusId(list[next].id);
  };

  /** Back to the focused item in the list (after the reject form closes, say). */
  const refocus = () => {
    moveFocus.current = true;
    setItems((list) => [...list]);
  };

  const toggle = (id: string) => {
    if (state.current.gone.has(id)) return;
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  };

  /**
   * One decision on the focused reply, as of the version its panel shows, and only once the
   * panel shows it: a key pressed before the detail arrives decides nothing. A conflict is
   * shown, never overwritten.
   */
  const decide = async (action: Decision, reason = '') => {
    const { focusId: id, opened: current } = state.current;
    if (!id || deciding.current.has(id)) return;
    if (current?.reply.id !== id) {
      setOutcome({ replyId: id, kind: 'error', text: STILL_LOADING });
      return;
    }
    deciding.current.add(id);
    const mine = (o: Omit<Outcome, 'replyId'>) => setOutcome({ ...o, replyId: id });
    try {
      await api.decide(id, action, current.version, reason.trim());
      if (state.current.focusId === id && action === 'reject') {
        setRejecting(false);
        refocus();
      }
      mine({ kind: 'done', text: `${PAST[action]}.` });
      setAnnouncement(`${PAST[action]}: reply by ${current.reply.author?.name ?? 'unknown'}.`);
      if (action !== 'feature' && action !== 'unfeature') seen.current.set(id, action === 'approve' ? 'published' : action === 'reject' ? 'rejected' : 'spam');
      void open(id);
      void reload(true);
      void loadCounts();
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        const latest = await open(id);
        const last = latest?.reply.history?.[latest.reply.history.length - 1];
        const by = last ? last.actor.name || last.actor.id || last.actor.kind : null;
        const now = latest ? `It is now ${latest.reply.status}${by ? `, after ${last!.type} by ${by}` : ''} (version ${latest.version}).` : '';
        mine({ kind: 'conflict', text: `Someone else changed this reply since you opened it. ${now} Nothing was overwritten: review it and decide again.` });
        setAnnouncement('Conflict: someone else changed this reply.');
      } else {
        mine({ kind: 'error', text: failed(error) });
      }
    } finally {
      deciding.current.delete(id);
    }
  };

  const bulk = async (action: BulkAction, reason: string) => {
    const { items: shown, gone: left } = state.current;
    const ids = shown.map((i) => i.id).filter((id) => selected.has(id) && !left.has(id));
    if (ids.length === 0) return;
    // Cleared before the request: a second click has nothing to send.
    setSelected(new Set());
    try {
      const { batchId } = await api.bulk(action, ids, reason.trim());
      setAnnouncement(`${PAST[action]}: ${ids.length} replies, running.`);
      const done = await tracker.add({ batchId, action, total: ids.length, state: 'running', changed: null, restored: null, changedSince: null });
      if (done) setAnnouncement(`${PAST[action]} ${done.changed ?? 0} of ${ids.length} replies. Undo stays offered above the list.`);
      void reload(true);
      void loadCounts();
    } catch (error) {
      setAnnouncement(failed(error));
    }
  };

  const undo = async (batch: RecentBatch) => {
    try {
      const done = await tracker.undo(batch);
      if (done) setAnnouncement(`Undone: ${done.restored ?? 0} restored${done.changedSince ? `, ${done.changedSince} changed since and left as they are` : ''}.`);
      void reload(true);
      void loadCounts();
    } catch (error) {
      setAnnouncement(failed(error));
    }
  };

  // Keys: j/k move, a approve, r reject (with a reason), s spam, f feature or unfeature, x select. Never while typing.
  const keys = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keys.current = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || typing(e.target)) return;
    const { focusId: id, commenterId: commenter, opened: current } = state.current;
    // With the commenter's panel open, the reply is out of sight: keys decide nothing on it.
    const onReply = id !== null && commenter === null;
    const act: Record<string, () => void> = {
      j: () => move(1),
      k: () => move(-1),
      a: () => onReply && void decide('approve'),
      r: () => onReply && setRejecting(true),
      s: () => onReply && void decide('spam'),
      f: () => onReply && void decide(current?.reply.id === id && current.reply.featured ? 'unfeature' : 'feature'),
      x: () => id !== null && toggle(id),
    };
    const run = act[e.key];
    if (!run) return;
    e.preventDefault();
    // Holding a key down acts once.
    if (e.repeat && e.key !== 'j' && e.key !== 'k') return;
    run();
  };
  useEffect(() => {
    const listener = (e: KeyboardEvent) => keys.current(e);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  // The tablist's own keys (WAI-ARIA tabs): arrows, Home and End move between queues.
  const tabKeys = (e: KeyboardEvent) => {
    const at = QUEUES.indexOf(queue);
    const next = e.key === 'ArrowRight' ? at + 1 : e.key === 'ArrowLeft' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? QUEUES.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const q = QUEUES[(next + QUEUES.length) % QUEUES.length];
    setQueue(q);
    document.getElementById(`tab-${q}`)?.focus();
  };

  const loadMore = async () => {
    if (!nextCursor) return;
    const request = listRequest.current;
    try {
      const page = await api.queue(queue, { cursor: nextCursor, articleId: articleId.trim() || undefined, order });
      if (request !== listRequest.current) return;
      setItems((shown) => [...shown, ...page.items.filter((i) => !shown.some((s) => s.id === i.id))]);
      setNextCursor(page.nextCursor);
    } catch (error) {
      setListError(failed(error));
    }
  };

  const focusedOpened = focusId && opened?.reply.id === focusId ? opened : null;
  return (
    <main class="queues" data-live={live}>
      <div class="queue-bar">
        <div class="tabs" role="tablist" aria-label="Queues" onKeyDown={tabKeys}>
          {QUEUES.map((q) => (
            <button type="button" role="tab" id={`tab-${q}`} aria-selected={q === queue} aria-controls="queue-panel" key={q} onClick={() => setQueue(q)} tabIndex={q === queue ? 0 : -1}>
              {QUEUE_LABELS[q]} <span class="count" data-queue-count={q}>{counts ? counts[q] : '…'}</span>
            </button>
          ))}
        </div>
        <span class={`live live-${live}`} role="status">
          {live === 'open' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </span>
      </div>
      <div class="filters">
        <label>
          Article id <input value={articleId} onChange={(e) => setArticleId(e.currentTarget.value)} placeholder="all articles" size={28} />
        </label>
        <label>
          Order{' '}
          <select value={order} onChange={(e) => setOrder(e.currentTarget.value as 'newest' | 'oldest')}>
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
          </select>
        </label>
        <span class="keys" aria-hidden="true">
          j/k move · a approve · r reject · s spam · f feature · x select
        </span>
      </div>
      <BulkBar selected={selected.size} batches={batches} onBulk={bulk} onUndo={undo} onDismiss={(id) => tracker.dismiss(id)} onClear={() => setSelected(new Set())} />
      <p class="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      <div class="work" id="queue-panel" role="tabpanel" aria-labelledby={`tab-${queue}`}>
        <QueueList
          listRef={listRef}
          queue={queue}
          items={items}
          loading={loading}
          error={listError}
          focusId={focusId}
          selected={selected}
          gone={gone}
          hasMore={!!nextCursor}
          onFocus={(id) => setFocusId(id)}
          onToggle={toggle}
          onMore={loadMore}
        />
        {commenterId ? (
          <CommenterPanel
            api={api}
            commenterId={commenterId}
            onClose={() => {
              setCommenterId(null);
              refocus();
            }}
            onFailed={failed}
            onBatch={(b) => void tracker.add(b).then(() => loadCounts())}
          />
        ) : (
          <ReplyPanel
            opened={focusedOpened}
            item={items.find((i) => i.id === focusId) ?? null}
            gone={focusId ? (gone.get(focusId) ?? null) : null}
            outcome={outcome && outcome.replyId === focusId ? outcome : null}
            rejecting={rejecting}
            onDecide={decide}
            onReject={(reason) => void decide('reject', reason)}
            onRejecting={(on) => {
              setRejecting(on);
              if (!on) refocus();
            }}
            onCommenter={setCommenterId}
            onReload={() => focusId && void open(focusId).then(() => setOutcome(null))}
          />
        )}
      </div>
    </main>
  );
}
