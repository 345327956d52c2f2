import { DEFAULT_POLICY } from '@app/moderation';
import { UNREACHABLE_RATE_LIMITS } from '@app/platform';
import { SCREENING_BACKLOG } from '@app/screening';
/* npm run bench: figures for docs/benchmarks.md, from one run on this machine. */
import { liveViewNames, THREAD_BUCKET_SIZE, ThreadMeta, ViewCollections } from '@app/read-models';
import { JwtService } from '@nestjs/jwt';
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { rebuildPhase } from './rebuild/phase';

const MONGO = process.env.BENCH_MONGO_URL ?? 'mongodb://127.0.0.1:27037';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PORT = Number(process.env.BENCH_PORT ?? 3099);
const BASE = `http://127.0.0.1:${PORT}`;
const SECRET = 'bench-secret-bench-secret';
const THREAD_SIZE = Number(process.env.BENCH_THREAD_SIZE ?? 10_000);
const RAW_OPS = 2_000;
const ENCRYPTION_RUN = Number(process.env.BENCH_ENCRYPTION_RUN ?? 3_000);
/**
 * Phases to run (comma-separated): raw, encryption, flood (with screening and catch-up), page, idle,
 * latency, rebuild (bench/rebuild/phase.ts). All by default.
 */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'raw,encryption,idle,flood,page,latency,rebuild').split(',').map((p) => p.trim()));
/** Seconds between progress lines (log head, each consumer's checkpoint, the screening backlog) while the flood is worked off; 0: none. */
const TRACE_SECONDS = Number(process.env.BENCH_TRACE_SECONDS ?? 0);
/** separate (default: as deployed) or inline (one process, as npm start). */
const WORKER_MODE = process.env.BENCH_WORKER === 'inline' ? 'inline' : 'separate';

/** One reader floods from one address: screening runs, without velocity and repetition limits (nor the API's rate limits). */
const BENCH_POLICY = JSON.stringify({ ...DEFAULT_POLICY, velocity: { perCommenterPerMinute: 100_000, perNetworkPerMinute: 100_000 }, repetition: { maxSameText: 100_000 } });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function rawStore() {
  const conn = await mongoose.createConnection(`${MONGO}/bench_raw`).asPromise();
  const col = conn.db!.collection<{ _id: string }>('raw');
  const doc = (i: number) => ({ _id: `reply-${i}:1`, streamId: `reply-${i}`, version: 1, previous: null, events: [{ type: 'reply.submitted', schemaVersion: 1, data: { body: 'x'.repeat(300) } }], recordedAt: new Date() });
  let t = performance.now();
  for (let i = 0; i < RAW_OPS; i++) await col.insertOne(doc(i));
  const insertsPerSec = RAW_OPS / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let i = 0; i < RAW_OPS; i++) await col.findOne({ _id: `reply-${(i * 7919) % RAW_OPS}:1` });
  const lookupsPerSec = RAW_OPS / ((performance.now() - t) / 1000);
  await conn.close();
  return { insertsPerSec, lookupsPerSec };
}

function startApi(database = 'bench_app', env: Record<string, string> = {}, script = 'apps/api/src/main.js'): ChildProcess {
  const child = spawn(process.execPath, [...(process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? []), join(__dirname, '..', ...script.split('/'))], {
    env: { ...process.env, MONGO_URL: `${MONGO}/${database}`, REDIS_URL, PORT: String(PORT), JWT_SECRET: SECRET, RUN_WORKER: 'true', QUEUE_PREFIX: `bench-${Date.now()}`, POLL_INTERVAL_MS: process.env.BENCH_POLL_INTERVAL_MS ?? '200', MODERATION_POLICY: BENCH_POLICY, ...UNREACHABLE_RATE_LIMITS, ...env },
    // BENCH_API_LOG: a file that takes the API's own log (appended), for a run that needs reading.
    stdio: ['ignore', process.env.BENCH_API_LOG ? openSync(process.env.BENCH_API_LOG, 'a') : 'ignore', 'inherit'],
  });
  return child;
}

/**
 * The system as deployed (docker-compose.yml): the API and a worker, each its own process on
 * the same store and Redis; with BENCH_WORKER=inline, one process running both (`npm start`).
 */
function startSystem(): ChildProcess[] {
  if (WORKER_MODE === 'inline') return [startApi()];
  const prefix = `bench-${Date.now()}`;
  return [startApi('bench_app', { RUN_WORKER: 'false', QUEUE_PREFIX: prefix }), startApi('bench_app', { QUEUE_PREFIX: prefix, WORKER_METRICS_PORT: '0' }, 'apps/worker/src/main.js')];
}

async function stopApi(api: ChildProcess): Promise<void> {
  if (api.exitCode !== null) return;
  api.kill('SIGTERM');
  await new Promise((r) => api.once('exit', r));
}

/**
 * Accepted submissions per second with personal-data encryption on and off, each on a fresh
 * database and process, alternating (off, on, off, on) so a drift of the machine hits both.
 * 200 readers share the load, so first replies (a new commenter and key) are in it too.
 */
async function encryptionCost(admin: string, jwt: JwtService) {
  const readers = Array.from({ length: 200 }, (_, i) => jwt.sign({ sub: `enc-reader-${i}`, name: `Reader ${i}`, role: 'reader' }, { secret: SECRET, algorithm: 'HS256', expiresIn: '2h' }));
  const rates: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (const [round, mode] of (['off', 'on', 'off', 'on'] as const).entries()) {
    const api = startApi(`bench_enc_${round}_${mode}`, { PERSONAL_DATA_ENCRYPTION: String(mode === 'on'), SEED_ARTICLE: 'false' });
    try {
      await waitUp();
      await json('POST', '/articles', admin, { id: 'bench-enc', title: 'enc', author: 'Bench', category: 'Bench', body: ['p'] });
      let next = 0;
      const runStarted = performance.now();
      const run = await autocannon({
        url: `${BASE}/articles/bench-enc/replies`,
        method: 'POST',
        connections: 16,
        amount: ENCRYPTION_RUN,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'A reply of ordinary length, about as long as a thoughtful comment under a news story tends to be.' }),
        requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${readers[next++ % readers.length]}` } }) }],
      });
      // Our own clock: autocannon's duration is rounded up to whole seconds.
      rates[mode].push(run['2xx'] / ((performance.now() - runStarted) / 1000));
    } finally {
      await stopApi(api);
    }
  }
  const best = (xs: number[]) => Math.max(...xs);
  return { on: best(rates.on), off: best(rates.off), runs: rates };
}

async function waitUp() {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${BASE}/health`)).ok) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error('api did not start');
}

async function json(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${BASE}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
}

async function main() {
  const jwt = new JwtService();
  const admin = jwt.sign({ sub: 'bench-admin', name: 'Admin', role: 'admin' }, { secret: SECRET, algorithm: 'HS256', expiresIn: '2h' });
  const reader = jwt.sign({ sub: 'bench-reader', name: 'Reader', role: 'reader' }, { secret: SECRET, algorithm: 'HS256', expiresIn: '2h' });

  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), ${round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  const raw = PHASES.has('raw') ? await rawStore() : { insertsPerSec: NaN, lookupsPerSec: NaN };
  if (PHASES.has('raw')) console.log(`store raw: ${round(raw.insertsPerSec)} inserts/s, ${round(raw.lookupsPerSec)} _id lookups/s (sequential, one client)`);

  if (PHASES.has('encryption')) {
    const enc = await encryptionCost(admin, jwt);
    console.log(
      `submissions with personal-data encryption: on ${round(enc.on)}/s, off ${round(enc.off)}/s (best of 2 runs of ${ENCRYPTION_RUN} each; on ${enc.runs.on.map((r) => round(r)).join(', ')}, off ${enc.runs.off.map((r) => round(r)).join(', ')}); ratio on/off ${round(enc.on / enc.off, 3)} (target >= 0.95)`,
    );
  }

  // The system is started only for the phases that use it.
  if (['idle', 'flood', 'page', 'latency'].some((p) => PHASES.has(p))) {
    const processes = startSystem();
    console.log(`system: ${WORKER_MODE === 'inline' ? 'API and worker in one process' : 'the API and a worker, separate processes'} (BENCH_WORKER=${WORKER_MODE})`);
    try {
      await waitUp();
      for (const id of ['bench-big', 'bench-latency']) {
        await json('POST', '/articles', admin, { id, title: id, author: 'Bench', category: 'Bench', body: ['p'] });
      }
      if (PHASES.has('idle')) await idle(processes, 'with 2 articles and no replies');

      if (PHASES.has('flood')) await flood(raw.insertsPerSec, reader);
      if (PHASES.has('page')) await firstPage(reader);
      if (PHASES.has('latency')) await latency(reader);
      if (PHASES.has('idle') && PHASES.has('flood')) await idle(processes, `after the run (${THREAD_SIZE}+ replies stored)`);
    } finally {
      for (const p of processes) await stopApi(p);
    }
  }

  // Last, with nothing else running: it measures one process against the store.
  if (PHASES.has('rebuild')) await rebuildPhase(MONGO, REDIS_URL);
}

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Idle CPU: what the API and the worker use with nothing to do (polls, sweeps, leases), over
 * BENCH_IDLE_SECONDS, once the views have caught up. Costs that grow with history show here.
 */
async function idle(processes: ChildProcess[], label: string) {
  const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
  // Let what the run left finish: screening, views, the spam model.
  await sleep(Number(process.env.BENCH_IDLE_SETTLE_SECONDS ?? 20) * 1000);
  const before = processes.map((p) => cpuSeconds(p.pid!));
  const started = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  const shares = processes.map((p, i) => (100 * (cpuSeconds(p.pid!) - before[i])) / elapsed);
  const names = processes.length === 1 ? ['api+worker'] : ['api', 'worker'];
  console.log(`idle CPU ${label}: ${names.map((n, i) => `${n} ${round(shares[i], 2)}%`).join(', ')} of a core over ${round(elapsed)} s (target < 1% with a million replies)`);
}

/** 1. Accepted submissions per second, filling a 10,000-reply thread (each one screened); then screening and the views catching up. */
async function flood(rawInsertsPerSec: number, reader: string) {
  {
    const floodStarted = performance.now();
    const run = await autocannon({
      url: `${BASE}/articles/bench-big/replies`,
      method: 'POST',
      connections: 16,
      amount: THREAD_SIZE,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}` },
      body: JSON.stringify({ body: 'A reply of ordinary length, about as long as a thoughtful comment under a news story tends to be.' }),
    });
    const accepted = run['2xx'];
    // Our own clock: autocannon's duration is rounded up to whole seconds.
    const acceptedPerSec = accepted / ((performance.now() - floodStarted) / 1000);
    console.log(`submissions: ${accepted} accepted, ${run.non2xx} refused, ${round(acceptedPerSec)}/s over HTTP (16 connections); ratio to raw inserts ${round(acceptedPerSec / rawInsertsPerSec, 3)}`);

    const conn = await mongoose.createConnection(`${MONGO}/bench_app`).asPromise();
    const started = performance.now();
    const tracer = TRACE_SECONDS > 0 ? setInterval(() => void trace(conn.db!, started).catch(() => undefined), TRACE_SECONDS * 1000) : null;
    // Screening: every version scored once its backlog is empty (one process: 4 spam workers).
    // The backlog is also empty for a moment while submissions still wait to be sequenced or
    // dispatched: it counts only once the inbox is empty and the dispatcher is at the head,
    // from the first look that found it empty for good.
    // FerretDB counts by reading every document (0.66 s for 10,000 backlog entries, measured):
    // five counts a second would take a core from the system measured. One document is enough.
    const empty = async (name: string) => !(await conn.db!.collection(name).findOne({}, { projection: { _id: 1 } }));
    let emptySince: number | null = null;
    for (;;) {
      if (!(await empty(SCREENING_BACKLOG))) emptySince = null;
      else {
        emptySince ??= performance.now();
        const head = (await conn.db!.collection<{ _id: string; position: number }>('sequencer').findOne({ _id: 'head' }))?.position ?? 0;
        const dispatched = (await conn.db!.collection<{ _id: string; position: number }>('checkpoints').findOne({ _id: 'screening-dispatcher@1' }))?.position ?? 0;
        if (dispatched >= head && (await empty('inbox'))) break;
      }
      await sleep(200);
    }
    const screenedSeconds = (emptySince - floodStarted) / 1000;
    console.log(`screening: ${accepted} replies scored ${round((emptySince - started) / 1000)} s after the last was accepted; ${round(accepted / screenedSeconds)} scored/s over the flood (one worker process, 4 spam jobs at a time, sharing the cores)`);
    for (;;) {
      const meta = await conn.db!.collection<ThreadMeta>(liveViewNames().collection(ViewCollections.threadMeta)).findOne({ _id: 'bench-big' });
      if (meta && meta.lastBucket * THREAD_BUCKET_SIZE + meta.lastBucketSize >= accepted) break;
      await sleep(200);
    }
    console.log(`projection caught up with ${accepted} replies ${round((performance.now() - started) / 1000)} s after the last was accepted`);
    if (tracer) clearInterval(tracer);
    if (TRACE_SECONDS > 0) await trace(conn.db!, started);
    await conn.close();
  }
}

/**
 * 2. First page of the 10,000-reply thread, read while the thread keeps receiving replies
 * (BENCH_PAGE_WRITE_RATE a second, screened and projected as any): each one changes the page.
 */
async function firstPage(reader: string) {
  {
    const reads = Number(process.env.BENCH_PAGE_READS ?? 1_000);
    const writeRate = Number(process.env.BENCH_PAGE_WRITE_RATE ?? 10);
    let writing = writeRate > 0;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const t = performance.now();
        const res = await json('POST', '/articles/bench-big/replies', reader, { body: `A reply arriving while the page is read, number ${written}.` });
        if (res.status === 202) written++;
        await sleep(Math.max(0, 1000 / writeRate - (performance.now() - t)));
      }
    })();
    const pageTimes: number[] = [];
    const started = performance.now();
    for (let i = 0; i < reads; i++) {
      const t = performance.now();
      const res = await fetch(`${BASE}/articles/bench-big/replies?sort=newest&limit=20`);
      await res.json();
      pageTimes.push(performance.now() - t);
    }
    const seconds = (performance.now() - started) / 1000;
    writing = false;
    await writer;
    pageTimes.sort((a, b) => a - b);
    console.log(
      `first page of a ${THREAD_SIZE}-reply thread: p50 ${round(pct(pageTimes, 50))} ms, p99 ${round(pct(pageTimes, 99))} ms (${reads} sequential reads over HTTP in ${round(seconds)} s, while ${written} replies arrived: ${round(written / seconds)}/s)`,
    );
  }
}

/** 3. Submit-to-visible latency at a fixed offered load, and where the time goes. */
async function latency(reader: string) {
  {
    const rate = Number(process.env.BENCH_RATE ?? 20);
    const count = rate * 10;
    /** Per reply: when it was sent and answered (wall clock, to compare with the store's stamps). */
    const sent = new Map<string, { sentAt: number; answeredAt: number }>();
    const visibleAt = new Map<string, number>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const res = await fetch(`${BASE}/articles/bench-latency/replies?sort=newest&limit=50`);
        const now = Date.now();
        const page = (await res.json()) as { items: { id: string }[] };
        for (const item of page.items) if (!visibleAt.has(item.id)) visibleAt.set(item.id, now);
        await sleep(20);
      }
    })();
    const submissions: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const t = Date.now();
      submissions.push(json('POST', '/articles/bench-latency/replies', reader, { body: `latency probe ${i}` }).then((r) => void sent.set(String(r.body.id), { sentAt: t, answeredAt: Date.now() })));
      await sleep(1000 / rate);
    }
    await Promise.all(submissions);
    const deadline = Date.now() + 60_000;
    while ([...sent.keys()].some((id) => !visibleAt.has(id)) && Date.now() < deadline) await sleep(50);
    polling = false;
    await poller;
    const seen = [...sent].filter(([id]) => visibleAt.has(id));
    const total = seen.map(([id, s]) => visibleAt.get(id)! - s.answeredAt);
    console.log(`submit-to-visible (screening in the path) at ${rate} submissions/s: ${summary(total)} (from the 202 to the first public read showing it; ${seen.length}/${count} seen; first page of 50 polled every ~20 ms)`);
    await breakdown(seen, visibleAt);
  }
}

const summary = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `p50 ${round(pct(sorted, 50))} ms, p99 ${round(pct(sorted, 99))} ms`;
};

/**
 * Where a reply's way to the page spends its time, from the stamps the store keeps (same
 * machine, same wall clock, millisecond resolution): the HTTP answer; the submission from
 * `recordedAt` (taken before its marker and commit inserts) to `sequencedAt`; screening up to
 * the verdict's commit; the verdict to the log; the views and the reader's poll.
 */
async function breakdown(seen: [string, { sentAt: number; answeredAt: number }][], visibleAt: Map<string, number>) {
  const conn = await mongoose.createConnection(`${MONGO}/bench_app`).asPromise();
  const commits = conn.db!.collection<{ _id: string; events: { type: string }[]; recordedAt: Date; sequencedAt?: Date }>('commits');
  const stages: Record<string, number[]> = { 'HTTP accept': [], 'submission to log': [], 'log to verdict (screening)': [], 'verdict to log': [], 'log to first read (views + poll)': [] };
  for (const [id, s] of seen) {
    const submission = await commits.findOne({ _id: `reply-${id}:1` });
    let verdict = null;
    for (let v = 2; v < 6 && !verdict; v++) {
      const c = await commits.findOne({ _id: `reply-${id}:${v}` });
      if (!c) break;
      if (c.events.some((e) => e.type === 'reply.screened')) verdict = c;
    }
    if (!submission?.sequencedAt || !verdict?.sequencedAt) continue;
    stages['HTTP accept'].push(s.answeredAt - s.sentAt);
    stages['submission to log'].push(submission.sequencedAt.getTime() - submission.recordedAt.getTime());
    stages['log to verdict (screening)'].push(verdict.recordedAt.getTime() - submission.sequencedAt.getTime());
    stages['verdict to log'].push(verdict.sequencedAt.getTime() - verdict.recordedAt.getTime());
    stages['log to first read (views + poll)'].push(visibleAt.get(id)! - verdict.sequencedAt.getTime());
  }
  for (const [stage, xs] of Object.entries(stages)) if (xs.length) console.log(`  ${stage}: ${summary(xs)}`);
  await conn.close();
}

/** One progress line: the log head, how far behind it each consumer is, what screening still waits for. */
async function trace(db: mongoose.mongo.Db, started: number) {
  const head = ((await db.collection<{ _id: string; position: number }>('sequencer').findOne({ _id: 'head' }))?.position ?? 0) as number;
  const checkpoints = await db.collection<{ _id: string; position: number }>('checkpoints').find({}).toArray();
  // collStats' count: a scan would load the store being measured.
  const count = async (name: string) => ((await db.command({ collStats: name }).catch(() => ({ count: NaN }))) as { count?: number }).count ?? 0;
  const waiting = await count(SCREENING_BACKLOG);
  const inbox = await count('inbox');
  const behind = checkpoints.map((c) => `${c._id.replace(/@\d+$/, '')} ${head - c.position}`).join(', ');
  console.log(`  [${round((performance.now() - started) / 1000)} s] head ${head}, inbox ${inbox}, backlog ${waiting}; behind: ${behind}`);
}


main().catch((error) => {
  console.error(error);
  process.exit(1);
});
