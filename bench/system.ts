/* The system as the benches run it: the API and a worker on a scratch store, and small helpers. */
import { COMMENTER_LEDGER } from '@app/data-rights';
import { DEFAULT_POLICY } from '@app/moderation';
import { MODERATION_JOBS_DISPATCHER } from '@app/moderator-actions';
import { liveProjections, liveViewNames } from '@app/read-models';
import { SCREENING_DISPATCHER } from '@app/screening';
import { mintToken, UNREACHABLE_RATE_LIMITS } from '@app/platform';
import { ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MONGO = process.env.BENCH_MONGO_URL ?? 'mongodb://127.0.0.1:27037';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PORT = Number(process.env.BENCH_PORT ?? 3099);
export const BASE = `http://127.0.0.1:${PORT}`;
/** The worker's own /metrics (separate processes). */
export const WORKER_METRICS_PORT = PORT + 2;
export const SECRET = 'bench-secret-bench-secret';
/** separate (default: as deployed) or inline (one process, as npm start). */
export const WORKER_MODE = process.env.BENCH_WORKER === 'inline' ? 'inline' : 'separate';

/** One reader floods from one address: screening runs, without velocity and repetition limits (nor the API's rate limits). */
const BENCH_POLICY = JSON.stringify({ ...DEFAULT_POLICY, velocity: { perCommenterPerMinute: 100_000, perNetworkPerMinute: 100_000 }, repetition: { maxSameText: 100_000 } });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

export const token = (sub: string, role: 'reader' | 'moderator' | 'admin', name = sub) => mintToken({ JWT_SECRET: SECRET, JWT_ISSUER: undefined, JWT_AUDIENCE: undefined }, { sub, name, role }, '3h');

export function startApi(database: string, env: Record<string, string> = {}, script = 'apps/api/src/main.js'): ChildProcess {
  // --expose-gc as deployed (docker-compose.yml): the idle memory release collects through it.
  return spawn(process.execPath, ['--expose-gc', ...(process.env.BENCH_API_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []), join(__dirname, '..', ...script.split('/'))], {
    env: { ...process.env, MONGO_URL: `${MONGO}/${database}`, REDIS_URL, PORT: String(PORT), JWT_SECRET: SECRET, RUN_WORKER: 'true', QUEUE_PREFIX: `bench-${Date.now()}`, POLL_INTERVAL_MS: process.env.BENCH_POLL_INTERVAL_MS ?? '200', MODERATION_POLICY: BENCH_POLICY, ...UNREACHABLE_RATE_LIMITS, ...env },
    // BENCH_API_LOG: a file that takes the API's own log (appended), for a run that needs reading.
    stdio: ['ignore', process.env.BENCH_API_LOG ? openSync(process.env.BENCH_API_LOG, 'a') : 'ignore', 'inherit'],
  });
}

/**
 * The system as deployed (docker-compose.yml): the API and a worker, each its own process on
 * the same store and Redis; with BENCH_WORKER=inline, one process running both (`npm start`).
 */
export function startSystem(database: string, env: Record<string, string> = {}): ChildProcess[] {
  if (WORKER_MODE === 'inline') return [startApi(database, env)];
  const prefix = `bench-${Date.now()}`;
  return [startApi(database, { RUN_WORKER: 'false', QUEUE_PREFIX: prefix, ...env }), startApi(database, { QUEUE_PREFIX: prefix, WORKER_METRICS_PORT: String(WORKER_METRICS_PORT), ...env }, 'apps/worker/src/main.js')];
}

export async function stopApi(api: ChildProcess): Promise<void> {
  if (api.exitCode !== null) return;
  api.kill('SIGTERM');
  await new Promise((r) => api.once('exit', r));
}

export async function waitUp() {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${BASE}/health`)).ok) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error('api did not start');
}

export async function json(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${BASE}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
}

/** CPU seconds a process has used so far (user + system), from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export const summary = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `p50 ${round(pct(sorted, 50))} ms, p99 ${round(pct(sorted, 99))} ms`;
};

/** p50 and p99 of a sample. */
export const percentiles = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { p50: pct(sorted, 50), p99: pct(sorted, 99) };
};

/** Store calls each process made so far, by collection method (`reply_section_store_calls_total`). */
export async function storeCommands(): Promise<Record<string, Record<string, number>>> {
  const read = async (url: string) => {
    const text = await fetch(url).then((r) => (r.ok ? r.text() : ''), () => '');
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^reply_section_store_calls_total\{operation="([^"]+)"\} (\S+)$/gm)) out[m[1]] = Number(m[2]);
    return out;
  };
  const api = await read(`${BASE}/metrics`);
  return WORKER_MODE === 'inline' ? { 'api+worker': api } : { api, worker: await read(`http://127.0.0.1:${WORKER_METRICS_PORT}/metrics`) };
}

/** Calls per reply between two readings, each process's busiest commands first. */
export function perReply(before: Record<string, Record<string, number>>, after: Record<string, Record<string, number>>, replies: number): string {
  return Object.entries(after)
    .map(([proc, commands]) => {
      const delta = Object.entries(commands).map(([c, n]) => [c, (n - (before[proc]?.[c] ?? 0)) / replies] as const).filter(([, n]) => n > 0.005).sort((a, b) => b[1] - a[1]);
      const total = delta.reduce((a, [, n]) => a + n, 0);
      return `${proc} ${round(total, 1)} (${delta.map(([c, n]) => `${c} ${round(n, 2)}`).join(', ')})`;
    })
    .join('; ');
}

/** Every log consumer a worker runs (worker.module.ts): the live views, then the side effects. */
export function liveConsumers(): string[] {
  const names = liveViewNames();
  return [...liveProjections().map((p) => names.consumerName(p)), COMMENTER_LEDGER, SCREENING_DISPATCHER, MODERATION_JOBS_DISPATCHER];
}
