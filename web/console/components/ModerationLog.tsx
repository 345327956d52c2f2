import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, ConsoleApi, LogEntry } from '../api';
import { useModerationStream } from '../live';

const actor = (by: LogEntry['by']) => (by.kind === 'system' ? `rule: ${by.id ?? 'system'}` : `${by.name || by.id || by.kind} (${by.kind})`);

/** Who or which rule acted on which reply, why and when; by article, by moderator, or both. */
export function ModerationLog({ api, onUnauthorized }: { api: ConsoleApi; onUnauthorized: () => void }) {
  const [articleId, setArticleId] = useState('');
  const [moderator, setModerator] = useState('');
  const [filters, setFilters] = useState<{ articleId?: string; moderator?: string }>({});
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      try {
        const page = await api.log({ ...filters, cursor: after });
        setEntries((shown) => (after ? [...shown, ...page.entries] : page.entries));
        latest.current.paged = after !== null;
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) onUnauthorized();
        setError(e instanceof ApiError ? e.message : String(e));
      } finally {
        setLoading(false);
      }
    },
    [api, filters, onUnauthorized],
  );
  useEffect(() => void load(null), [load]);

  // Live: the stream says something was decided; the log is a view a moment behind it, so the
  // first page is read again soon, then 1 s and 3 s after the last change (as the queues do).
  // Not once the moderator has loaded older pages: what they read stays put.
  const latest = useRef({ load, paged: false });
  latest.current.load = load;
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);
  const soon = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = useCallback(() => {
    const run = () => void (latest.current.paged || latest.current.load(null));
    soon.current ??= setTimeout(() => {
      soon.current = null;
      run();
    }, 250);
    for (const t of timers.current) clearTimeout(t);
    timers.current = [1_000, 3_000].map((ms) => setTimeout(run, ms));
  }, []);
  useEffect(
    () => () => {
      if (soon.current) clearTimeout(soon.current);
      for (const t of timers.current) clearTimeout(t);
    },
    [],
  );
  useModerationStream(api, refresh, refresh, onUnauthorized);

  return (
    <main class="log">
      <h1>Moderation log</h1>
      <form
        class="filters"
        aria-label="Filter the log"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({ articleId: articleId.trim() || undefined, moderator: moderator.trim() || undefined });
        }}
      >
        <label>
          Article id <input value={articleId} onInput={(e) => setArticleId(e.currentTarget.value)} size={28} />
        </label>
        <label>
          Moderator id <input value={moderator} onInput={(e) => setModerator(e.currentTarget.value)} size={16} />
        </label>
        <button type="submit">Filter</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table>
        <caption class="visually-hidden">Moderation log, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Action</th>
            <th scope="col">By</th>
            <th scope="col">Reply</th>
            <th scope="col">Status</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.position} data-reply-id={e.replyId}>
              <td>
                <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>
              </td>
              <td>{e.action}</td>
              <td>{actor(e.by)}</td>
              <td>
                <code title={e.articleId}>{e.replyId}</code>
              </td>
              <td>
                {e.previousStatus ?? '–'} → {e.status}
              </td>
              <td>
                {[e.reason, ...e.reasons.map((r) => r.code)].filter(Boolean).join('; ')}
                {e.policyVersion !== null && <span class="meta"> · policy v{e.policyVersion}</span>}
                {e.batchId && <span class="meta"> · batch</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && entries.length === 0 && !error && <p class="empty">No decisions match.</p>}
      {cursor && (
        <button type="button" class="more" onClick={() => void load(cursor)}>
          Load more
        </button>
      )}
    </main>
  );
}
