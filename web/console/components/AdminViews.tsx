import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, ConsoleApi, Rebuild, Verification } from '../api';

const PROJECTIONS = ['all', 'thread', 'article-views', 'reply-details', 'moderation-queues', 'moderation-log', 'spam-model'];
const SETTLED = ['done', 'failed', 'cancelled'];

/** Polls `get` every second until the job settles; the latest state on each tick. */
function usePoll<T extends { state: string }>(get: (() => Promise<T>) | null, onUnauthorized: () => void): [T | null, string | null] {
  const [job, setJob] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const getter = useRef(get);
  getter.current = get;
  useEffect(() => {
    if (!get) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const tick = async () => {
      try {
        const next = await getter.current!();
        if (stopped) return;
        setJob(next);
        setError(null);
        if (SETTLED.includes(next.state)) return;
      } catch (e) {
        if (stopped) return;
        if (e instanceof ApiError && e.status === 401) return onUnauthorized();
        setError(e instanceof ApiError ? e.message : String(e));
        // A refusal will not change by asking again; a network error might.
        if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429) return;
      }
      if (!stopped) timer = setTimeout(() => void tick(), 1000);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [get, onUnauthorized]);
  return [job, error];
}

/** Admins rebuild a projection's views from the log, or verify them against a fresh rebuild, and watch the progress. */
export function AdminViews({ api, onUnauthorized }: { api: ConsoleApi; onUnauthorized: () => void }) {
  const [projection, setProjection] = useState('all');
  const [problem, setProblem] = useState<string | null>(null);
  const [rebuildGet, setRebuildGet] = useState<(() => Promise<Rebuild>) | null>(null);
  const [verifyGet, setVerifyGet] = useState<(() => Promise<Verification>) | null>(null);
  const [rebuild, rebuildError] = usePoll(rebuildGet, onUnauthorized);
  const [verification, verifyError] = usePoll(verifyGet, onUnauthorized);

  const start = async (kind: 'rebuild' | 'verify') => {
    setProblem(null);
    try {
      if (kind === 'rebuild') {
        const { id } = await api.startRebuild(projection);
        setRebuildGet(() => () => api.rebuild(id));
      } else {
        const { id } = await api.startVerification(projection);
        setVerifyGet(() => () => api.verification(id));
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onUnauthorized();
      setProblem(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <main class="views">
      <h1>Views</h1>
      <p>Rebuild reads the whole event log into new collections while readers carry on, then moves them over. Verify rebuilds into scratch collections and lists every difference from the live views.</p>
      <div class="controls">
        <label for="projection">Projection</label>
        <select id="projection" value={projection} onChange={(e) => setProjection(e.currentTarget.value)}>
          {PROJECTIONS.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void start('verify')}>
          Verify
        </button>
        <button type="button" onClick={() => void start('rebuild')}>
          Rebuild
        </button>
      </div>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      {rebuild && (
        <section class="job" aria-label="Rebuild" data-state={rebuild.state}>
          <h2>Rebuild of {rebuild.projections.join(', ')}: {rebuild.state}</h2>
          <progress max={Math.max(1, rebuild.progress.total)} value={rebuild.progress.done} aria-label="Rebuild progress" />
          <p>
            {rebuild.progress.done} of {rebuild.progress.total} log positions
            {rebuild.progress.eventsPerSecond !== null && ` · ${rebuild.progress.eventsPerSecond} events/s`}
            {rebuild.progress.etaSeconds !== null && !SETTLED.includes(rebuild.state) && ` · about ${rebuild.progress.etaSeconds} s left`}
          </p>
          {rebuild.error && <p class="error">{rebuild.error}</p>}
        </section>
      )}
      {rebuildError && <p class="error">{rebuildError}</p>}
      {verification && (
        <section class="job" aria-label="Verification" data-state={verification.state}>
          <h2>Verification of {verification.projections.join(', ')}: {verification.state}</h2>
          {!SETTLED.includes(verification.state) && <progress aria-label="Verification running" />}
          {verification.state === 'done' && (
            <p data-differences={verification.differenceCount ?? 0}>{verification.differenceCount ? `${verification.differenceCount} differences from the live views.` : 'No differences: the live views match the log.'}</p>
          )}
          {verification.differences.length > 0 && (
            <ul>
              {verification.differences.slice(0, 50).map((d, i) => (
                <li key={i}>
                  <code>{JSON.stringify(d)}</code>
                </li>
              ))}
            </ul>
          )}
          {verification.error && <p class="error">{verification.error}</p>}
        </section>
      )}
      {verifyError && <p class="error">{verifyError}</p>}
    </main>
  );
}
