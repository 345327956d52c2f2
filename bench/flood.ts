/* npm run bench:flood: resident memory of the API and the worker before, during and after a long flood. */
import { DEFAULT_POLICY } from '@app/moderation';
import { UNREACHABLE_RATE_LIMITS } from '@app/platform';
import { JwtService } from '@nestjs/jwt';
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { growth, summarise } from './heap-summary';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const MONGO = process.env.BENCH_MONGO_URL ?? 'mongodb://127.0.0.1:27038';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PORT = Number(process.env.BENCH_PORT ?? 3098);
const WORKER_METRICS_PORT = PORT + 2;
const BASE = `http://127.0.0.1:${PORT}`;
const SECRET = 'bench-secret-bench-secret';
/** Offered submissions per second: at or below what this machine sustains (docs/benchmarks.md). */
const RATE = Number(process.env.FLOOD_RATE ?? 10);
const SECONDS = Number(process.env.FLOOD_SECONDS ?? 600);
/** Quiet time before "before" and after the views caught up, before "after". */
const QUIET_SECONDS = Number(process.env.FLOOD_QUIET_SECONDS ?? 60);
const ARTICLES = 20;
const READERS = 500;

const POLICY = JSON.stringify({ ...DEFAULT_POLICY, velocity: { perCommenterPerMinute: 100_000, perNetworkPerMinute: 100_000 }, repetition: { maxSameText: 100_000 } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number) => Math.round(kb / 1024);

/**
 * FLOOD_HEAP_SNAPSHOTS=1: a heap snapshot of each process before and after (each forces a full
 * collection), and what grew. Diagnostic only: the "before" snapshot's own memory stays in the
 * "after" resident figure, so that run's after/before ratio is not a figure of record.
 */
const SNAPSHOTS = Boolean(process.env.FLOOD_HEAP_SNAPSHOTS);
const SNAPSHOT_DIR = join(__dirname, '..', '..', 'data', 'flood-heap');

function start(name: 'api' | 'worker', env: Record<string, string>): ChildProcess {
  // Not SIGUSR2: Nest's shutdown hooks take it as a signal to stop.
  const flags = SNAPSHOTS ? ['--heapsnapshot-signal=SIGWINCH', `--diagnostic-dir=${SNAPSHOT_DIR}`] : [];
  // FLOOD_NODE_ARGS: Node and V8 flags for both processes, split at whitespace ("--trace-gc", say).
  const extra = process.env.FLOOD_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  // FLOOD_PROCESS_LOGS: a folder that takes each process's output, both streams (api.log, worker.log).
  const logs = process.env.FLOOD_PROCESS_LOGS;
  const out = logs ? (mkdirSync(logs, { recursive: true }), openSync(join(logs, `${name}.log`), 'w')) : null;
  // --expose-gc as deployed (docker-compose.yml): the idle memory release collects through it.
  const child = spawn(process.execPath, ['--expose-gc', ...flags, ...extra, join(__dirname, '..', 'apps', name, 'src', 'main.js')], {
    env: { ...process.env, MONGO_URL: `${MONGO}/bench_flood`, REDIS_URL, JWT_SECRET: SECRET, QUEUE_PREFIX: `flood-${Date.now()}`, MODERATION_POLICY: POLICY, SEED_ARTICLE: 'false', LOG_LEVEL: 'warn', ...UNREACHABLE_RATE_LIMITS, ...env },
    stdio: ['ignore', out ?? 'ignore', out ?? 'inherit'],
  });
  if (out !== null) closeSync(out);
  return child;
}

/** Asks for a heap snapshot and waits until its file is written whole; returns its path. */
async function snapshot(proc: ChildProcess): Promise<string> {
  const mine = () => readdirSync(SNAPSHOT_DIR).filter((f) => f.includes(`.${proc.pid}.`) && f.endsWith('.heapsnapshot'));
  const earlier = new Set(mine());
  proc.kill('SIGWINCH');
  for (let size = -1; ; await sleep(2_000)) {
    const file = mine().find((f) => !earlier.has(f));
    if (!file) continue;
    const now = statSync(join(SNAPSHOT_DIR, file)).size;
    if (now > 0 && now === size) return join(SNAPSHOT_DIR, file);
    size = now;
  }
}

/** Resident memory in KB, from /proc (what the operating system gives the process). */
function rss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN);
}

/**
 * Where resident memory is, from the process's own metrics (prom-client): V8's heap as
 * committed and as used (garbage included), and memory outside it (buffers). The rest of RSS is
 * code, stacks and the allocator's own.
 */
async function heapOf(url: string): Promise<string> {
  const text = await fetch(url).then((r) => (r.ok ? r.text() : ''), () => '');
  const read = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1] ?? NaN);
  const f = (bytes: number) => Math.round(bytes / 2 ** 20);
  return `heap ${f(read('nodejs_heap_size_total_bytes'))} MB committed (${f(read('nodejs_heap_size_used_bytes'))} used), external ${f(read('nodejs_external_memory_bytes'))} MB, ${read('reply_section_memory_releases_total')} memory releases`;
}

async function waitUp() {
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${BASE}/health`).then((r) => r.ok, () => false)) return;
    await sleep(100);
  }
  throw new Error('api did not start');
}

async function main() {
  const jwt = new JwtService();
  const sign = (sub: string, role: string) => jwt.sign({ sub, name: sub, role }, { secret: SECRET, algorithm: 'HS256', expiresIn: '3h' });
  const admin = sign('flood-admin', 'admin');
  const readers = Array.from({ length: READERS }, (_, i) => sign(`flood-reader-${i}`, 'reader'));
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);

  if (SNAPSHOTS) (rmSync(SNAPSHOT_DIR, { recursive: true, force: true }), mkdirSync(SNAPSHOT_DIR, { recursive: true }));
  const api = start('api', { PORT: String(PORT), RUN_WORKER: 'false' });
  const worker = start('worker', { WORKER_METRICS_PORT: String(WORKER_METRICS_PORT) });
  const sample = () => ({ api: rss(api.pid!), worker: rss(worker.pid!) });
  // Resident memory at rest depends on when V8 last collected: the lowest of a sample every
  // 5 s over the quiet time is compared, before and after alike.
  const quietLowest = async () => {
    const samples = [sample()];
    for (const end = performance.now() + QUIET_SECONDS * 1000; performance.now() < end; ) {
      await sleep(5_000);
      samples.push(sample());
    }
    return { api: Math.min(...samples.map((x) => x.api)), worker: Math.min(...samples.map((x) => x.worker)) };
  };
  const show = async (label: string, s: { api: number; worker: number }) => {
    console.log(`${label}: api ${mb(s.api)} MB, worker ${mb(s.worker)} MB`);
    console.log(`  of which: api ${await heapOf(`${BASE}/metrics`)}; worker ${await heapOf(`http://127.0.0.1:${WORKER_METRICS_PORT}/metrics`)}`);
  };
  try {
    await waitUp();
    const post = (path: string, token: string, body: unknown) =>
      fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) }).then((r) => r.status, () => 0);
    for (let a = 0; a < ARTICLES; a++) await post('/articles', admin, { id: `flood-${a}`, title: `Flood ${a}`, author: 'Bench', category: 'Bench', body: ['p'] });
    // A short warm-up, so "before" is a process that has served (code loaded and compiled).
    let sent = 0;
    const submit = () => post(`/articles/flood-${sent % ARTICLES}/replies`, readers[sent % READERS], { body: `reply ${sent++}: about as long as a thoughtful comment under a news story tends to be.` });
    for (let i = 0; i < 200; i++) await submit();
    const before = await quietLowest();
    await show('before (after a warm-up: the lowest over a quiet minute)', before);
    const snapshotsBefore = SNAPSHOTS ? { api: await snapshot(api), worker: await snapshot(worker) } : null;

    const statuses = new Map<number, number>();
    const during: { api: number; worker: number }[] = [];
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    let nextSample = started + 10_000;
    while (performance.now() - started < SECONDS * 1000) {
      inFlight.push(submit().then((s) => void statuses.set(s, (statuses.get(s) ?? 0) + 1)));
      if (performance.now() >= nextSample) {
        during.push(sample());
        nextSample += 10_000;
      }
      // Paced on our own clock: the next send is due at sent-so-far / RATE.
      const due = started + (inFlight.length / RATE) * 1000;
      await sleep(Math.max(0, due - performance.now()));
    }
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(inFlight);
    const peak = { api: Math.max(...during.map((d) => d.api)), worker: Math.max(...during.map((d) => d.worker)) };
    console.log(`flood: ${inFlight.length} submissions sent over ${seconds.toFixed(1)} s (${(inFlight.length / seconds).toFixed(1)}/s sent), answers ${JSON.stringify(Object.fromEntries(statuses))}`);
    console.log(`during (peak of samples every 10 s): api ${mb(peak.api)} MB, worker ${mb(peak.worker)} MB`);
    await show('during (last sample)', during[during.length - 1] ?? sample());

    // Caught up: every log consumer at the head, as /health reports them.
    for (let i = 0; i < 1800; i++) {
      const health = await fetch(`${BASE}/health`).then((r) => r.text(), () => '');
      const lags = [...health.matchAll(/"lag":(\d+)/g)].map((m) => Number(m[1]));
      if (lags.length > 0 && lags.every((l) => l === 0)) break;
      await sleep(1000);
    }
    const after = await quietLowest();
    await show('after (caught up: the lowest over a quiet minute)', after);
    const ratio = (k: 'api' | 'worker') => (after[k] / before[k]).toFixed(2);
    console.log(`after/before: api ${ratio('api')}, worker ${ratio('worker')} (target: within 1.10)`);
    if (snapshotsBefore) {
      const snapshotsAfter = { api: await snapshot(api), worker: await snapshot(worker) };
      for (const k of ['api', 'worker'] as const) console.log(`${k}, heap snapshots (after a full collection) before -> after:\n${growth(summarise(snapshotsBefore[k]), summarise(snapshotsAfter[k])).join('\n')}`);
    }
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
