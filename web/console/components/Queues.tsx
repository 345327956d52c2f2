import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, BulkAction, ConsoleApi, Counts, Decision, Queue, QueueChange, QueueItem, QUEUES, ReplyDetail, versionOf } from '../api';
import { PAST, RecentBatch, saveBatches, savedBatches } from '../batches';
import { useModerationStream } from '../live';
import { Session } from '../session';
import { BulkBar } from './BulkBar';
import { CommenterPanel } from './CommenterPanel';
import { QueueList } from './QueueList';
import { ReplyPanel } from './ReplyPanel';

export const QUEUE_LABELS: Record<Queue, string> = { pending: 'Pending', reported: 'Reported', appeals: 'Appeals', spam: 'Spam', rejected: 'Rejected', approved: 'Approved' };
const PAGE = 20;

export interface Opened {
  reply: ReplyDetail;
  version: number;
}

/** What a focused item's panel says after an action: done, refused, or a conflict with someone else's change. */
export interface Outcome {
  kind: 'done' | 'error' | 'conflict';
  text: string;
}

/** The queues: tabs with live counts, a list worked from the keyboard, the focused reply's panel, bulk actions with undo. */
export function Queues({ api, session, onUnauthorized }: { api: ConsoleApi; session: Session; onUnauthorized: () => void }) {
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
  const [batches, setBatches] = useState<RecentBatch[]>(() => savedBatches());
  const [announcement, setAnnouncement] = useState('');
  const listRef = useRef<HTMLUListElement>(null);
  const moveFocus = useRef(false);
  /** The latest status the stream or our own decisions told us of, per reply: what a focused item that left the queue shows. */
  const seen = useRef(new Map<string, string>());
  const state = useRef({ items, focusId, queue, articleId, order });
  state.current = { items, focusId, queue, articleId, order };

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
      const { queue: q, articleId: a, order: o, items: shown, focusId: focused } = state.current;
      try {
        const page = await api.queue(q, { articleId: a.trim() || undefined, order: o, limit: keep ? Math.min(100, Math.max(PAGE, shown.length)) : PAGE });
        if (state.current.queue !== q) return;
        let next = page.items;
        let left: Map<string, string> = new Map();
        if (keep && focused && !next.some((i) => i.id === focused)) {
          const at = shown.findIndex((i) => i.id === focused);
          if (at >= 0) next = [...next.slice(0, at), shown[at], ...next.slice(at)];
          if (at >= 0) left = new Map([[focused, seen.current.get(focused) ?? 'changed']]);
        }
        setGone(left);
        setItems(next);
        setNextCursor(page.nextCursor);
        setListError(null);
        setSelected((s) => new Set([...s].filter((id) => next.some((i) => i.id === id))));
        if (!keep) setFocusId(next[0]?.id ?? null);
      } catch (error) {
        setListError(failed(error));
      } finally {
        setLoading(false);
      }
    },
    [api, failed],
  );

  useEffect(() => {
    setLoading(true);
    setItems([]);
    setSelected(new Set());
    setGone(new Map());
    setOpened(null);
    setOutcome(null);
    setFocusId(null);
    void reload(false);
    void loadCounts();
  }, [queue, articleId, order, reload, loadCounts]);

  // Live: counts on every change; the list when the change names this queue.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onChange = useCallback(
    (change: QueueChange) => {
      seen.current.set(change.replyId, change.status);
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        void loadCounts();
        void reload(true);
      }, 250);
    },
    [loadCounts, reload],
  );
  const live = useModerationStream(api, onChange, () => void reload(true).then(loadCounts), onUnauthorized);
  useEffect(() => () => void (pending.current && clearTimeout(pending.current)), []);

  // The focused item's detail (full text, version for If-Match, verdict, history).
  const open = useCallback(
    async (id: string): Promise<Opened | null> => {
      try {
        const answer = await api.reply(id);
        const next = { reply: answer.body, version: versionOf(answer.etag, answer.body.version) };
        if (state.current.focusId === id) setOpened(next);
        return next;
      } catch (error) {
        setOutcome({ kind: 'error', text: failed(error) });
        return null;
      }
    },
    [api, failed],
  );
  useEffect(() => {
    setOutcome(null);
    setRejecting(false);
    setCommenterId(null);
    if (focusId) void open(focusId);
    else setOpened(null);
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

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  /** One decision on the focused reply, as of the version its panel shows: a conflict is shown, never overwritten. */
  const decide = async (action: Decision, reason = '') => {
    const id = state.current.focusId;
    if (!id) return;
    const current = opened?.reply.id === id ? opened : await open(id);
    if (!current) return;
    try {
      await api.decide(id, action, current.version, reason.trim());
      setRejecting(false);
      setOutcome({ kind: 'done', text: `${PAST[action]}.` });
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
        setOutcome({ kind: 'conflict', text: `Someone else changed this reply since you opened it. ${now} Nothing was overwritten: review it and decide again.` });
        setAnnouncement('Conflict: someone else changed this reply.');
      } else {
        setOutcome({ kind: 'error', text: failed(error) });
      }
    }
  };

  const recordBatch = (batch: RecentBatch) =>
    setBatches((list) => {
      const next = [batch, ...list.filter((b) => b.batchId !== batch.batchId)];
      saveBatches(next);
      return next;
    });

  /** Polls a batch until it settles (the job runs in the workers), updating its line in the bar. */
  const follow = async (batchId: string, base: RecentBatch, until: string[]) => {
    for (let i = 0; i < 240; i++) {
      try {
        const b = await api.batch(batchId);
        const line = { ...base, state: b.state, changed: b.counts?.changed ?? null, restored: b.undo?.counts.restored ?? null, changedSince: b.undo?.counts.changedSince ?? null };
        recordBatch(line);
        if (until.includes(b.state)) return line;
      } catch (error) {
        failed(error);
      }
      await new Promise((r) => setTimeout(r, 400));
    }
    return null;
  };

  const bulk = async (action: BulkAction, reason: string) => {
    const ids = state.current.items.map((i) => i.id).filter((id) => selected.has(id));
    if (ids.length === 0) return;
    try {
      const { batchId } = await api.bulk(action, ids, reason.trim());
      const base: RecentBatch = { batchId, action, total: ids.length, state: 'running', changed: null, restored: null, changedSince: null };
      recordBatch(base);
      setSelected(new Set());
      setAnnouncement(`${PAST[action]}: ${ids.length} replies, running.`);
      const done = await follow(batchId, base, ['completed', 'failed']);
      if (done) setAnnouncement(`${PAST[action]} ${done.changed ?? 0} of ${ids.length} replies. Undo stays offered above the list.`);
      void reload(true);
      void loadCounts();
    } catch (error) {
      setOutcome({ kind: 'error', text: failed(error) });
    }
  };

  const undo = async (batch: RecentBatch) => {
    try {
      await api.undo(batch.batchId);
      const done = await follow(batch.batchId, { ...batch, state: 'undoing' }, ['undone', 'failed']);
      if (done) setAnnouncement(`Undone: ${done.restored ?? 0} restored${done.changedSince ? `, ${done.changedSince} changed since and left as they are` : ''}.`);
      void reload(true);
      void loadCounts();
    } catch (error) {
      setAnnouncement(failed(error));
    }
  };

  const dismiss = (batchId: string) =>
    setBatches((list) => {
      const next = list.filter((b) => b.batchId !== batchId);
      saveBatches(next);
      return next;
    });

  // Keys: j/k move, a approve, r reject (with a reason), s spam, f feature, x select. Never while typing.
  const keys = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keys.current = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const target = e.target as HTMLElement | null;
    if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON'].includes(target.tagName))) return;
    const act: Record<string, () => void> = {
      j: () => move(1),
      k: () => move(-1),
      a: () => void decide('approve'),
      r: () => state.current.focusId && setRejecting(true),
      s: () => void decide('spam'),
      f: () => void decide('feature'),
      x: () => state.current.focusId && toggle(state.current.focusId),
    };
    const run = act[e.key];
    if (!run) return;
    e.preventDefault();
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
    try {
      const page = await api.queue(queue, { cursor: nextCursor, articleId: articleId.trim() || undefined, order });
      setItems((shown) => [...shown, ...page.items.filter((i) => !shown.some((s) => s.id === i.id))]);
      setNextCursor(page.nextCursor);
    } catch (error) {
      setListError(failed(error));
    }
  };

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
      <BulkBar selected={selected.size} batches={batches} onBulk={bulk} onUndo={undo} onDismiss={dismiss} onClear={() => setSelected(new Set())} />
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
          <CommenterPanel api={api} commenterId={commenterId} onClose={() => setCommenterId(null)} onFailed={failed} onBatch={(b) => void follow(b.batchId, b, ['completed', 'failed']).then(() => loadCounts())} />
        ) : (
          <ReplyPanel
            opened={focusId && opened?.reply.id === focusId ? opened : null}
            item={items.find((i) => i.id === focusId) ?? null}
            gone={focusId ? (gone.get(focusId) ?? null) : null}
            outcome={outcome}
            rejecting={rejecting}
            onDecide={decide}
            onReject={(reason) => void decide('reject', reason)}
            onRejecting={setRejecting}
            onCommenter={setCommenterId}
            onReload={() => focusId && void open(focusId).then(() => setOutcome(null))}
          />
        )}
      </div>
    </main>
  );
}
