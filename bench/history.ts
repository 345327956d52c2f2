/*
 * npm run bench:history: the same figures at an empty store and after a million replies
 * across a thousand articles (issue 9, item 5), and their ratios. Loading takes minutes.
 */
import { EventStoreCollections } from '@app/event-store';
import { DEV_DATA_KEY_SECRET } from '@app/platform';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { cpus, totalmem } from 'node:os';
import { replyHistory } from './history/replies';
import { HistoryViews } from './history/views';
import { firstPage, flood, idle, idleByMinute, latency, rawStore } from './phases';
import { loadCommits } from './rebuild/loader';
import { BASE, json, liveConsumers, MONGO, round, startSystem, stopApi, token, waitUp, WORKER_MODE } from './system';

const REPLIES = Number(process.env.BENCH_HISTORY_REPLIES ?? 1_000_000);
const ARTICLES = Number(process.env.BENCH_HISTORY_ARTICLES ?? 1_000);
const COMMENTERS = Number(process.env.BENCH_HISTORY_COMMENTERS ?? 5_000);
const THREAD_SIZE = Number(process.env.BENCH_THREAD_SIZE ?? 10_000);
/** A database already loaded with the same history is measured again as it is (BENCH_HISTORY_REUSE=1). */
const REUSE = Boolean(process.env.BENCH_HISTORY_REUSE);
/** Rounds of the pair, alternating which store goes first, so neither always follows the load. */
const ROUNDS = Number(process.env.BENCH_HISTORY_ROUNDS ?? 1);
const LOAD_RECORD = 'bench_history_load';
/** Only idle, this many minutes on each store (no phases): BENCH_HISTORY_IDLE_MINUTES. */
const IDLE_MINUTES = Number(process.env.BENCH_HISTORY_IDLE_MINUTES ?? 0);
const WARM_UP = 300;

interface Figures {
  idle: number[];
  submissionsPerSec: number;
  page: { p50: number; p99: number; floorP50: number };
  visible: { p50: number; p99: number };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** The bench's phases on one database, the system started on it and stopped after. */
async function measure(database: string, label: string, rawInsertsPerSec: number): Promise<Figures> {
  console.log(`\n== ${label} (database ${database}) ==`);
  const admin = token('bench-admin', 'admin', 'Admin');
  const reader = token('bench-reader', 'reader', 'Reader');
  // Articles of this run only: a store measured again (BENCH_HISTORY_REUSE) holds an earlier run's.
  const run = Date.now().toString(36);
  const [warmUp, big, latest] = ['warm-up', 'big', 'latency'].map((a) => `bench-${a}-${run}`);
  const processes = startSystem(database, { SEED_ARTICLE: 'false' });
  try {
    const started = performance.now();
    await waitUp();
    console.log(`system up in ${round((performance.now() - started) / 1000)} s`);
    for (const id of [warmUp, big, latest]) {
      const res = await json('POST', '/articles', admin, { id, title: id, author: 'Bench', category: 'Bench', body: ['p'] });
      if (res.status >= 300) throw new Error(`article ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    // A fresh process runs cold (code not yet optimised, pools empty): both stores get the same start.
    const warm = await autocannon({ url: `${BASE}/articles/${warmUp}/replies`, method: 'POST', connections: 8, amount: WARM_UP, headers: { 'content-type': 'application/json', authorization: `Bearer ${reader}` }, body: JSON.stringify({ body: 'Warming up.' }) });
    console.log(`warm-up: ${warm['2xx']} replies on another article`);
    const idleShares = await idle(processes, label, database);
    const submissionsPerSec = await flood(database, THREAD_SIZE, rawInsertsPerSec, reader, big, processes);
    const page = await firstPage(THREAD_SIZE, reader, big, processes);
    const visible = await latency(database, reader, Number(process.env.BENCH_RATE ?? 20), latest);
    return { idle: idleShares, submissionsPerSec, page, visible };
  } finally {
    for (const p of processes) await stopApi(p);
  }
}

/** Loads the history into `database` (dropped first), unless REUSE finds it there. */
async function load(database: string): Promise<void> {
  const conn = await mongoose.createConnection(`${MONGO}/${database}`).asPromise();
  const db = conn.db!;
  try {
    const earlier = await db.collection<{ _id: string; replies: number; articles: number; consumers?: string[] }>(LOAD_RECORD).findOne({ _id: 'load' });
    // Reused only if the code runs the same consumers: a new projector version would replay the whole history.
    if (REUSE && earlier?.replies === REPLIES && earlier.articles === ARTICLES && earlier.consumers?.join() === liveConsumers().join()) {
      console.log(`\nhistory: reused, ${fmt(REPLIES)} replies across ${fmt(ARTICLES)} articles`);
      return;
    }
    await db.dropDatabase();
    const views = new HistoryViews(db);
    const loaded = await loadCommits(db, (commenters) => replyHistory(REPLIES, ARTICLES, commenters), DEV_DATA_KEY_SECRET, {
      commenters: COMMENTERS,
      onEntry: views.add,
      onProgress: (events) => events % 200_000 < 10 && console.log(`  loading: ${fmt(events)} events, ${fmt(views.written)} view documents written`),
    });
    const finishing = performance.now();
    await views.finish();
    const seconds = loaded.seconds + (performance.now() - finishing) / 1000;
    console.log(
      `\nhistory: ${fmt(REPLIES)} replies across ${fmt(ARTICLES)} articles by ${fmt(COMMENTERS)} commenters: ${fmt(loaded.events)} events in ${fmt(loaded.entries)} commits and log entries, and ${fmt(views.written)} view document writes (${fmt(views.readBack)} read back), in ${round(seconds)} s`,
    );
    console.log(`  view documents: ${Object.entries(views.sizes()).map(([name, n]) => `${name} ${fmt(n)}`).join(', ')}`);
    const commits = ((await db.command({ collStats: EventStoreCollections.commits }).catch(() => ({ count: NaN }))) as { count?: number }).count;
    console.log(`  commits stored: ${fmt(commits ?? NaN)}`);
    await db.collection<{ _id: string; replies: number; articles: number; consumers: string[] }>(LOAD_RECORD).insertOne({ _id: 'load', replies: REPLIES, articles: ARTICLES, consumers: liveConsumers(), ...loaded });
  } finally {
    await conn.close();
  }
}

/**
 * Only idle, minute by minute (BENCH_HISTORY_IDLE_MINUTES): the full store, then the empty one
 * (with the articles the phases create), each on freshly started processes with no warm-up.
 */
async function idleOnly(): Promise<void> {
  await dropDatabase('history_empty');
  for (const [database, label] of [['history_full', 'after the history'], ['history_empty', 'at an empty store']]) {
    console.log(`\n== idle ${label} (database ${database}) ==`);
    const processes = startSystem(database, { SEED_ARTICLE: 'false' });
    try {
      await waitUp();
      const admin = token('bench-admin', 'admin', 'Admin');
      if (database === 'history_empty') for (const id of ['bench-a', 'bench-b', 'bench-c']) await json('POST', '/articles', admin, { id, title: id, author: 'Bench', category: 'Bench', body: ['p'] });
      const minutes = await idleByMinute(processes, label, database, IDLE_MINUTES);
      const totals = minutes.map((m) => m.reduce((a, b) => a + b, 0));
      console.log(`idle ${label}: ${totals.map((t) => `${round(t, 2)}%`).join(', ')} of a core by minute (median ${round(median(totals), 2)}%)`);
    } finally {
      for (const p of processes) await stopApi(p);
    }
  }
}

/** The empty store is emptied again for each run. */
async function dropDatabase(database: string): Promise<void> {
  const conn = await mongoose.createConnection(`${MONGO}/${database}`).asPromise();
  await conn.db!.dropDatabase();
  await conn.close();
}

async function main() {
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), ${round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${WORKER_MODE} processes; poll ${process.env.BENCH_POLL_INTERVAL_MS ?? 200} ms`);
  const raw = await rawStore();
  console.log(`store raw: ${round(raw.insertsPerSec)} inserts/s, ${round(raw.lookupsPerSec)} _id lookups/s (sequential, one client)`);

  await load('history_full');
  // Only the load, to look at the store it leaves (npm run admin -- verify, say).
  if (process.env.BENCH_HISTORY_LOAD_ONLY) return;
  if (IDLE_MINUTES > 0) return idleOnly();
  const empties: Figures[] = [];
  const fulls: Figures[] = [];
  const measureEmpty = async () => {
    await dropDatabase('history_empty');
    empties.push(await measure('history_empty', 'an empty store', raw.insertsPerSec));
  };
  const measureFull = async () => void fulls.push(await measure('history_full', `after ${fmt(REPLIES)} replies across ${fmt(ARTICLES)} articles`, raw.insertsPerSec));
  for (let round = 0; round < ROUNDS; round++) {
    // The first round measures the empty store first, as before; the next ones alternate.
    for (const step of round % 2 === 0 ? [measureEmpty, measureFull] : [measureFull, measureEmpty]) await step();
    if (ROUNDS > 1) report(`round ${round + 1} of ${ROUNDS} (${round % 2 === 0 ? 'empty first' : 'full first'})`, [empties[round]], [fulls[round]]);
  }
  report(ROUNDS > 1 ? `all ${ROUNDS} rounds, median of each figure` : 'the run', empties, fulls);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The ratios of the full store against the empty one, each figure the median of its rounds. */
function report(label: string, empties: Figures[], fulls: Figures[]): void {
  const m = (fs: Figures[], pick: (f: Figures) => number) => median(fs.map(pick));
  const [e, f] = [empties, fulls].map((fs) => ({
    submissionsPerSec: m(fs, (x) => x.submissionsPerSec),
    page: { p50: m(fs, (x) => x.page.p50), p99: m(fs, (x) => x.page.p99), floorP50: m(fs, (x) => x.page.floorP50) },
    visible: { p50: m(fs, (x) => x.visible.p50), p99: m(fs, (x) => x.visible.p99) },
    idle: fs[0].idle.map((_, i) => m(fs, (x) => x.idle[i])),
  }));
  // Each ratio is "as good as at the empty store" at 1: throughput full/empty, times empty/full.
  const ratio = (a: number, b: number) => round(a / b, 2);
  console.log(`\n== ${label}: after the history against the empty store (target >= 0.9 each) ==`);
  console.log(`submissions/s: ${round(f.submissionsPerSec)} against ${round(e.submissionsPerSec)}: ratio ${ratio(f.submissionsPerSec, e.submissionsPerSec)}`);
  console.log(`first page p50: ${round(f.page.p50)} against ${round(e.page.p50)} ms: ratio ${ratio(e.page.p50, f.page.p50)}; p99 ${round(f.page.p99)} against ${round(e.page.p99)} ms: ratio ${ratio(e.page.p99, f.page.p99)}`);
  // The machine's state in that phase moves the static file read as much as the page (docs/benchmarks.md): the page's own part is what history could change.
  const above = (p: Figures['page']) => Math.max(0, p.p50 - p.floorP50);
  console.log(`first page p50 above the static file read between the pages: ${round(above(f.page), 2)} against ${round(above(e.page), 2)} ms (static file p50 ${round(f.page.floorP50, 2)} against ${round(e.page.floorP50, 2)} ms)`);
  console.log(`submit-to-visible p50: ${round(f.visible.p50)} against ${round(e.visible.p50)} ms: ratio ${ratio(e.visible.p50, f.visible.p50)}; p99 ${round(f.visible.p99)} against ${round(e.visible.p99)} ms: ratio ${ratio(e.visible.p99, f.visible.p99)}`);
  const shares = (xs: number[]) => `${xs.map((s) => `${round(s, 2)}%`).join(' + ')} = ${round(xs.reduce((a, b) => a + b, 0), 2)}%`;
  console.log(`idle CPU (api + worker${process.env.BENCH_STORE_PID ? ' + store' : ''}) with the history stored: ${shares(f.idle)} of a core (target < 1%); at the empty store ${shares(e.idle)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
