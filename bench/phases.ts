/* The phases of the benches: each starts from a running system and prints, and returns, its figures. */
import { liveViewNames, THREAD_BUCKET_SIZE, ThreadMeta, ViewCollections } from '@app/read-models';
import { SCREENING_BACKLOG, SCREENING_DISPATCHER } from '@app/screening';
import autocannon from 'autocannon';
import { ChildProcess } from 'node:child_process';
import mongoose from 'mongoose';
import { cpus } from 'node:os';
import { BASE, cpuSeconds, json, liveConsumers, MONGO, pct, percentiles, perReply, round, sleep, storeCommands, summary } from './system';

/** Seconds between progress lines (log head, each consumer's checkpoint, the screening backlog) while the flood is worked off; 0: none. */
const TRACE_SECONDS = Number(process.env.BENCH_TRACE_SECONDS ?? 0);
const RAW_OPS = 2_000;
/** FerretDB's process, when the bench script started it. */
const STORE_PID = Number(process.env.BENCH_STORE_PID) || null;

export async function rawStore(): Promise<{ insertsPerSec: number; lookupsPerSec: number }> {
  const conn = await mongoose.createConnection(`${MONGO}/bench_raw`).asPromise();
  // Fresh each run, also on a store kept from an earlier one.
  await conn.db!.dropDatabase();
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

/**
 * Idle CPU: what the API and the worker use with nothing to do (polls, sweeps, leases), over
 * BENCH_IDLE_SECONDS, once the views have caught up. Costs that grow with history show here.
 */
/** The processes whose CPU a phase reports: the API and the worker, and the store when the bench script started it. */
export function measured(processes: ChildProcess[]): { name: string; pid: number }[] {
  const names = processes.length === 1 ? ['api+worker'] : ['api', 'worker'];
  return [...processes.map((p, i) => ({ name: names[i], pid: p.pid! })), ...(STORE_PID ? [{ name: 'store', pid: STORE_PID }] : []), { name: 'bench client', pid: process.pid }];
}

/** CPU each process used from now until `read()`, in % of a core. */
export function cpuMeter(procs: { name: string; pid: number }[]): { read(): { name: string; share: number }[] } {
  const before = procs.map((p) => cpuSeconds(p.pid));
  const started = performance.now();
  return {
    read: () => {
      const elapsed = (performance.now() - started) / 1000;
      return procs.map((p, i) => ({ name: p.name, share: (100 * (cpuSeconds(p.pid) - before[i])) / elapsed }));
    },
  };
}

const shares = (xs: { name: string; share: number }[]) => xs.map((x) => `${x.name} ${round(x.share, 2)}%`).join(', ');

export async function idle(processes: ChildProcess[], label: string, database?: string): Promise<number[]> {
  const seconds = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
  // Let what the run left finish: screening, views, the spam model.
  if (database) await atRest(database);
  await sleep(Number(process.env.BENCH_IDLE_SETTLE_SECONDS ?? 20) * 1000);
  // The store's CPU too (set by scripts/services.sh): what the processes ask of it is theirs.
  const procs = measured(processes).filter((p) => p.name !== 'bench client');
  const meter = cpuMeter(procs);
  const started = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - started) / 1000;
  const used = meter.read();
  const total = used.reduce((a, b) => a + b.share, 0);
  console.log(`idle CPU ${label}: ${shares(used)}; in all ${round(total, 2)}% of a core over ${round(elapsed)} s (target < 1% with a million replies)`);
  return used.map((u) => u.share);
}

/**
 * Idle minute by minute, from a system at rest: each minute's share per process, so a
 * transient (a cold store, the spam model read whole) shows as such instead of in an average.
 */
export async function idleByMinute(processes: ChildProcess[], label: string, database: string, minutes: number): Promise<number[][]> {
  await atRest(database);
  const procs = measured(processes).filter((p) => p.name !== 'bench client');
  const out: number[][] = [];
  for (let m = 1; m <= minutes; m++) {
    const meter = cpuMeter(procs);
    const callsBefore = await storeCommands();
    await sleep(60_000);
    const used = meter.read();
    out.push(used.map((u) => u.share));
    console.log(`idle CPU ${label}, minute ${m}: ${shares(used)}; in all ${round(used.reduce((a, b) => a + b.share, 0), 2)}% of a core`);
    console.log(`  store calls in that minute: ${perReply(callsBefore, await storeCommands(), 1)}`);
  }
  return out;
}

/** Waits until the system has nothing left to do: the inbox and screening backlog empty, every consumer at the head. */
export async function atRest(database: string): Promise<void> {
  const conn = await mongoose.createConnection(`${MONGO}/${database}`).asPromise();
  try {
    const db = conn.db!;
    const consumers = liveConsumers();
    const empty = async (name: string) => !(await db.collection(name).findOne({}, { projection: { _id: 1 } }));
    for (let waited = 0; ; waited += 500) {
      const head = (await db.collection<{ _id: string; position: number }>('sequencer').findOne({ _id: 'head' }))?.position ?? 0;
      const checkpoints = await db.collection<{ _id: string; position: number }>('checkpoints').find({ _id: { $in: consumers } }).toArray();
      const behind = consumers.filter((c) => (checkpoints.find((k) => k._id === c)?.position ?? 0) < head);
      if (behind.length === 0 && (await empty('inbox')) && (await empty(SCREENING_BACKLOG))) return;
      if (waited > 20 * 60_000) throw new Error(`consumers still behind the head ${head} after 20 minutes: ${behind.join(', ')}`);
      await sleep(500);
    }
  } finally {
    await conn.close();
  }
}

/** 1. Accepted submissions per second, filling a 10,000-reply thread (each one screened); then screening and the views catching up. */
export async function flood(database: string, threadSize: number, rawInsertsPerSec: number, reader: string, articleId = 'bench-big', processes: ChildProcess[] = []): Promise<number> {
  {
    // Which process is the limit: the CPU each one used while the submissions came in.
    const meter = cpuMeter(measured(processes));
    const commandsBefore = await storeCommands();
    const floodStarted = performance.now();
    const run = await autocannon({
      url: `${BASE}/articles/${articleId}/replies`,
      method: 'POST',
      connections: 16,
      amount: threadSize,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}` },
      body: JSON.stringify({ body: 'A reply of ordinary length, about as long as a thoughtful comment under a news story tends to be.' }),
    });
    const accepted = run['2xx'];
    // Our own clock: autocannon's duration is rounded up to whole seconds.
    const acceptedPerSec = accepted / ((performance.now() - floodStarted) / 1000);
    console.log(`submissions: ${accepted} accepted, ${run.non2xx} refused, ${round(acceptedPerSec)}/s over HTTP (16 connections); ratio to raw inserts ${round(acceptedPerSec / rawInsertsPerSec, 3)}`);
    if (processes.length) console.log(`  CPU while submitting (% of one core; the machine has ${cpus().length}): ${shares(meter.read())}`);

    const conn = await mongoose.createConnection(`${MONGO}/${database}`).asPromise();
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
        const dispatched = (await conn.db!.collection<{ _id: string; position: number }>('checkpoints').findOne({ _id: SCREENING_DISPATCHER }))?.position ?? 0;
        if (dispatched >= head && (await empty('inbox'))) break;
      }
      await sleep(200);
    }
    const screenedSeconds = (emptySince - floodStarted) / 1000;
    console.log(`screening: ${accepted} replies scored ${round((emptySince - started) / 1000)} s after the last was accepted; ${round(accepted / screenedSeconds)} scored/s over the flood (one worker process, 4 spam jobs at a time, sharing the cores)`);
    for (;;) {
      const meta = await conn.db!.collection<ThreadMeta>(liveViewNames().collection(ViewCollections.threadMeta)).findOne({ _id: articleId });
      if (meta && meta.lastBucket * THREAD_BUCKET_SIZE + meta.lastBucketSize >= accepted) break;
      await sleep(200);
    }
    console.log(`projection caught up with ${accepted} replies ${round((performance.now() - started) / 1000)} s after the last was accepted`);
    // The other views and side effects too, so the phases after this one measure a system at rest.
    const consumers = liveConsumers();
    for (let waited = 0; ; waited += 500) {
      const head = (await conn.db!.collection<{ _id: string; position: number }>('sequencer').findOne({ _id: 'head' }))?.position ?? 0;
      const checkpoints = await conn.db!.collection<{ _id: string; position: number }>('checkpoints').find({ _id: { $in: consumers } }).toArray();
      const behind = consumers.filter((c) => (checkpoints.find((k) => k._id === c)?.position ?? 0) < head);
      if (behind.length === 0 && (await empty('inbox'))) break;
      if (waited > 20 * 60_000) throw new Error(`consumers still behind the head ${head} after 20 minutes: ${behind.join(', ')}`);
      await sleep(500);
    }
    console.log(`every consumer caught up ${round((performance.now() - started) / 1000)} s after the last was accepted`);
    // Everything each reply caused (screening, sequencing, every view), over the replies accepted.
    console.log(`  store calls per accepted reply, until every consumer caught up: ${perReply(commandsBefore, await storeCommands(), accepted)}`);
    if (tracer) clearInterval(tracer);
    if (TRACE_SECONDS > 0) await trace(conn.db!, started);
    await conn.close();
    return acceptedPerSec;
  }
}

/**
 * 2. First page of the 10,000-reply thread, read while the thread keeps receiving replies
 * (BENCH_PAGE_WRITE_RATE a second, screened and projected as any): each one changes the page.
 */
export async function firstPage(threadSize: number, reader: string, articleId = 'bench-big', processes: ChildProcess[] = []): Promise<{ p50: number; p99: number; floorP50: number }> {
  {
    // What else the machine does meanwhile: on 2 cores, a busy worker or store slows the API's reads.
    const meter = cpuMeter(measured(processes));
    const callsBefore = await storeCommands();
    const reads = Number(process.env.BENCH_PAGE_READS ?? 1_000);
    const writeRate = Number(process.env.BENCH_PAGE_WRITE_RATE ?? 10);
    let writing = writeRate > 0;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const t = performance.now();
        const res = await json('POST', `/articles/${articleId}/replies`, reader, { body: `A reply arriving while the page is read, number ${written}.` });
        if (res.status === 202) written++;
        await sleep(Math.max(0, 1000 / writeRate - (performance.now() - t)));
      }
    })();
    const pageTimes: number[] = [];
    // The floor: a small static file through the same HTTP stack, read between the pages.
    const floorTimes: number[] = [];
    const started = performance.now();
    for (let i = 0; i < reads; i++) {
      let t = performance.now();
      const res = await fetch(`${BASE}/articles/${articleId}/replies?sort=newest&limit=20`);
      await res.json();
      pageTimes.push(performance.now() - t);
      t = performance.now();
      await (await fetch(`${BASE}/article.css`)).text();
      floorTimes.push(performance.now() - t);
    }
    const seconds = (performance.now() - started) / 1000;
    writing = false;
    await writer;
    pageTimes.sort((a, b) => a - b);
    console.log(
      `first page of a ${threadSize}-reply thread: p50 ${round(pct(pageTimes, 50))} ms, p99 ${round(pct(pageTimes, 99))} ms (${reads} sequential reads over HTTP in ${round(seconds)} s, while ${written} replies arrived: ${round(written / seconds)}/s)`,
    );
    console.log(`  floor, a static file (article.css) over the same HTTP stack between those reads: ${summary(floorTimes)}`);
    if (processes.length) console.log(`  CPU while reading (% of one core): ${shares(meter.read())}`);
    console.log(`  store calls per page read (the replies arriving included): ${perReply(callsBefore, await storeCommands(), reads)}`);
    // The page's own cost: what it takes above the static file read under the same conditions.
    return { ...percentiles(pageTimes), floorP50: percentiles(floorTimes).p50 };
  }
}

/** 3. Submit-to-visible latency at a fixed offered load, and where the time goes. */
export async function latency(database: string, reader: string, rate: number, articleId = 'bench-latency'): Promise<{ p50: number; p99: number; seen: number; count: number }> {
  {
    // Ten seconds of it, and at least 30 probes so a slow rate still has a tail.
    const count = Math.max(30, rate * 10);
    /** Per reply: when it was sent and answered (wall clock, to compare with the store's stamps). */
    const sent = new Map<string, { sentAt: number; answeredAt: number }>();
    const visibleAt = new Map<string, number>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        // Newest first, paging back while a page holds only replies not seen before: a burst
        // of more than a page between two polls is still seen, at this poll.
        let cursor: string | null = null;
        for (let pages = 0; pages < 50; pages++) {
          const res = await fetch(`${BASE}/articles/${articleId}/replies?sort=newest&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          const now = Date.now();
          const page = (await res.json()) as { items: { id: string }[]; nextCursor?: string | null };
          let fresh = 0;
          for (const item of page.items) if (!visibleAt.has(item.id)) (visibleAt.set(item.id, now), fresh++);
          cursor = page.nextCursor ?? null;
          if (!cursor || fresh < page.items.length || page.items.length === 0) break;
        }
        await sleep(20);
      }
    })();
    const submissions: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const t = Date.now();
      submissions.push(json('POST', `/articles/${articleId}/replies`, reader, { body: `latency probe ${i}` }).then((r) => void sent.set(String(r.body.id), { sentAt: t, answeredAt: Date.now() })));
      // Paced on our own clock: the next send is due at i / rate.
      await sleep(Math.max(0, started + ((i + 1) / rate) * 1000 - performance.now()));
    }
    const offered = count / ((performance.now() - started) / 1000);
    await Promise.all(submissions);
    const waitMs = 60_000;
    const deadline = Date.now() + waitMs;
    while ([...sent.keys()].some((id) => !visibleAt.has(id)) && Date.now() < deadline) await sleep(50);
    polling = false;
    await poller;
    const seen = [...sent].filter(([id]) => visibleAt.has(id));
    // A reply never seen counts as the whole wait, not as missing: the slowest must weigh on the tail.
    const total = [...sent].map(([id, s]) => (visibleAt.get(id) ?? Date.now()) - s.answeredAt);
    console.log(`submit-to-visible (screening in the path) at ${rate} submissions/s (offered ${round(offered)}/s): ${summary(total)} (from the 202 to the first public read showing it; ${seen.length}/${count} seen within ${waitMs / 1000} s after the last, the rest counted at that; newest first, paged back, polled every ~20 ms)`);
    await breakdown(database, seen, visibleAt);
    return { ...percentiles(total), seen: seen.length, count };
  }
}

/**
 * Where a reply's way to the page spends its time, from the stamps the store keeps (same
 * machine, same wall clock, millisecond resolution): the HTTP answer; the submission from
 * `recordedAt` (taken before its marker and commit inserts) to `sequencedAt`; screening up to
 * the verdict's commit; the verdict to the log; the views and the reader's poll.
 */
async function breakdown(database: string, seen: [string, { sentAt: number; answeredAt: number }][], visibleAt: Map<string, number>) {
  const conn = await mongoose.createConnection(`${MONGO}/${database}`).asPromise();
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

