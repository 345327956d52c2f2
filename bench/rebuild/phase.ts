import { DEV_DATA_KEY_SECRET, dropRedisPrefix } from '@app/platform';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import type { mongo } from 'mongoose';
import { Loaded, loadHistory } from './loader';
import { readWholeLog } from './raw-read';

/** Log sizes to rebuild, in events. */
const SIZES = (process.env.BENCH_REBUILD_EVENTS ?? '100000,1000000').split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
/** Projections to rebuild at each size; `all` is every live one, its lines summed. */
const PROJECTIONS = (process.env.BENCH_REBUILD_PROJECTIONS ?? 'thread').split(',').map((s) => s.trim()).filter(Boolean);
const DIST = join(__dirname, '..', '..');
const CLI = join(DIST, 'apps', 'admin-cli', 'src', 'main.js');
/** `cli`: the admin command line's rebuild; `stand-in`: bench/rebuild/stand-in-rebuild.ts. Default: the command line once it is built. */
const VIA = process.env.BENCH_REBUILD_VIA ?? (existsSync(join(DIST, 'apps', 'admin-cli', 'src', 'rebuild.command.js')) ? 'cli' : 'stand-in');
const DATA_KEY_SECRET = DEV_DATA_KEY_SECRET;
/** A rebuild still running after this long is stopped and measured over the stretch it ran. */
const MAX_MINUTES = Number(process.env.BENCH_REBUILD_MAX_MINUTES ?? 15);
/** The raw read stops after this long: the log's pages all cost the same, so a stretch gives the rate. */
const RAW_MAX_SECONDS = Number(process.env.BENCH_REBUILD_RAW_MAX_SECONDS ?? 300);

/** The line the rebuild prints per projection, last on stdout. */
const REBUILT = /^rebuilt (\S+): (\d+) events in ([\d.]+) s, ([\d.]+) events\/s, peak memory ([\d.]+) MB$/;

interface Rebuilt {
  projection: string;
  events: number;
  seconds: number;
  rate: number;
  peakMb: number;
  wallSeconds: number;
  /** Stopped at BENCH_REBUILD_MAX_MINUTES: the figures are those of the stretch it ran (see `stopped`). */
  stopped: null | { position: number; head: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const fmt = (n: number, d = 1) => round(n, d).toLocaleString('en-US');

/** Peak resident memory of a running process (Linux), in MB. */
function peakRssMb(pid: number): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Positions done by consumers that did not exist before the rebuild (its own), summed as `all` is. */
async function rebuildPosition(db: mongo.Db, before: Set<string>): Promise<number> {
  const checkpoints = await db.collection<{ _id: string; position: number }>('checkpoints').find({}).toArray();
  return checkpoints.filter((c) => !before.has(c._id)).reduce((n, c) => n + c.position, 0);
}

/**
 * Runs the rebuild in its own process, so its peak memory is the rebuild's alone. Past
 * `maxMinutes` it is stopped (SIGINT: the command line cancels, the live views untouched) and
 * measured from its checkpoint, sampled every few seconds: events per second over the stretch
 * between the first and the last sample that moved, and the process's peak memory until then.
 */
async function rebuild(db: mongo.Db, mongoUrl: string, redisUrl: string, projection: string, eventsPerEntry: number, maxMinutes: number): Promise<Rebuilt> {
  const args = VIA === 'cli' ? [CLI, 'rebuild', '--projection', projection] : [join(__dirname, 'stand-in-rebuild.js'), projection];
  const prefix = `bench-rebuild-${process.pid}-${Date.now()}`;
  const env = { ...process.env, MONGO_URL: mongoUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, SEED_ARTICLE: 'false', DATA_KEY_SECRET };
  try {
    return await runRebuild(db, args, env, projection, maxMinutes, eventsPerEntry);
  } finally {
    // The rebuild's lease and fence.
    await dropRedisPrefix(redisUrl, prefix);
  }
}


async function runRebuild(db: mongo.Db, args: string[], env: NodeJS.ProcessEnv, projection: string, maxMinutes: number, eventsPerEntry: number): Promise<Rebuilt> {
  const before = new Set((await db.collection<{ _id: string }>('checkpoints').find({}, { projection: { _id: 1 } }).toArray()).map((c) => c._id));
  const head = (await db.collection<{ _id: string; position: number }>('sequencer').findOne({ _id: 'head' }))?.position ?? 0;
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  // The command line's progress bars (on stderr, every 2 s) would bury the bench's own lines.
  child.stderr.on('data', (chunk: Buffer) => {
    const kept = chunk.toString().split('\n').filter((l) => l.trim() && !l.includes('log positions |'));
    if (kept.length) process.stderr.write(`${kept.join('\n')}\n`);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
  let running = true;
  void exited.finally(() => (running = false));
  const samples: { at: number; position: number }[] = [];
  let peakMb = NaN;
  while (running && performance.now() - started < maxMinutes * 60_000) {
    await Promise.race([sleep(5_000), exited]);
    if (!running) break;
    peakMb = Math.max(Number.isNaN(peakMb) ? 0 : peakMb, peakRssMb(child.pid!));
    samples.push({ at: performance.now(), position: await rebuildPosition(db, before) });
  }
  if (running) {
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(killer);
    const moved = samples.filter((s) => s.position > 0);
    const [first, last] = [moved[0], moved[moved.length - 1]];
    if (!first || last === first) throw new Error(`rebuild ${projection} (${VIA}) made no progress in ${maxMinutes} minutes`);
    const seconds = (last.at - first.at) / 1000;
    const events = (last.position - first.position) * eventsPerEntry;
    return { projection, events, seconds, rate: events / seconds, peakMb, wallSeconds: (performance.now() - started) / 1000, stopped: { position: last.position, head } };
  }
  const code = await exited;
  const wallSeconds = (performance.now() - started) / 1000;
  // One line per projection rebuilt (`all`: every live one): their sum is the rebuild.
  const lines = out.trim().split('\n').map((l) => REBUILT.exec(l.trim())).filter((m): m is RegExpExecArray => m !== null);
  if (code !== 0 || lines.length === 0) throw new Error(`rebuild ${projection} (${VIA}) exited ${code}; its output ended: ${out.slice(-2_000)}`);
  const events = lines.reduce((n, m) => n + Number(m[2]), 0);
  const seconds = lines.reduce((n, m) => n + Number(m[3]), 0);
  return { projection, events, seconds, rate: events / seconds, peakMb: Math.max(...lines.map((m) => Number(m[5]))), wallSeconds, stopped: null };
}

/** Where a load leaves its own figures, so a database loaded once can be measured again (BENCH_REBUILD_REUSE). */
const LOAD_RECORD = 'bench_load';

/**
 * A fresh load of `size` events, or with BENCH_REBUILD_REUSE the one already in the database
 * (a million events take long to write), with the figures of the load that wrote it.
 */
export async function loadOrReuse(db: mongo.Db, size: number): Promise<Loaded & { reused: boolean }> {
  if (process.env.BENCH_REBUILD_REUSE) {
    const earlier = await db.collection<Loaded & { _id: string }>(LOAD_RECORD).findOne({ _id: 'load' });
    if (earlier && earlier.events === size) return { events: earlier.events, entries: earlier.entries, seconds: earlier.seconds, reused: true };
  }
  await db.dropDatabase();
  const loaded = await loadHistory(db, size, DATA_KEY_SECRET, (events) => {
    if (events % 100_000 < 10) console.log(`  loading: ${fmt(events, 0)} events`);
  });
  await db.collection<Loaded & { _id: string }>(LOAD_RECORD).insertOne({ _id: 'load', ...loaded });
  return { ...loaded, reused: false };
}

/**
 * The rebuild rate against the store's raw read rate of the log, at each size: a fresh
 * database loaded in bulk with a site's history, the whole log read through the log reader
 * (the baseline), then each projection rebuilt from position 0 in a process of its own.
 */
export async function rebuildPhase(mongo: string, redisUrl: string): Promise<void> {
  const rows: string[] = [];
  for (const size of SIZES) {
    const database = `bench_rebuild_${size}`;
    const conn = await mongoose.createConnection(`${mongo}/${database}`).asPromise();
    const db = conn.db!;
    try {
      const loaded = await loadOrReuse(db, size);
      console.log(`rebuild ${fmt(size, 0)}: ${loaded.reused ? 'reused a database loaded earlier with' : 'loaded'} ${fmt(loaded.events, 0)} events (${fmt(loaded.entries, 0)} log entries) in ${fmt(loaded.seconds)} s`);
      const raw = await readWholeLog(db, DATA_KEY_SECRET, 500, RAW_MAX_SECONDS);
      const rawRate = raw.events / raw.seconds;
      const rawWhat = raw.whole ? 'the whole log' : `the first ${fmt(raw.entries, 0)} entries (stopped at ${RAW_MAX_SECONDS} s)`;
      console.log(`rebuild ${fmt(size, 0)}: raw read of ${rawWhat}: ${fmt(raw.events, 0)} events in ${fmt(raw.seconds)} s, ${fmt(rawRate)} events/s (log reader, batches of 500)`);
      for (const projection of PROJECTIONS) {
        const r = await rebuild(db, `${mongo}/${database}`, redisUrl, projection, raw.events / raw.entries, MAX_MINUTES);
        const what = r.stopped ? `stopped after ${MAX_MINUTES} min at position ${fmt(r.stopped.position, 0)} of ${fmt(r.stopped.head, 0)}; ${fmt(r.events, 0)} events between the first and last checkpoint samples` : `${fmt(r.events, 0)} events`;
        console.log(`rebuild ${fmt(size, 0)}: ${projection} (${VIA}) ${what} in ${fmt(r.seconds)} s (process ${fmt(r.wallSeconds)} s), ${fmt(r.rate)} events/s, ratio to raw read ${round(r.rate / rawRate, 3)}, peak memory ${fmt(r.peakMb)} MB`);
        const partial = r.stopped ? ` (stopped at ${fmt(r.stopped.position, 0)} of ${fmt(r.stopped.head, 0)})` : ` (${fmt(r.seconds)} s)`;
        rows.push(`| ${fmt(size, 0)} | ${projection} | ${fmt(loaded.seconds)} s${loaded.reused ? ' (earlier)' : ''} | ${fmt(rawRate)} /s${raw.whole ? '' : ' (part)'} | ${fmt(r.rate)} /s${partial} | **${round(r.rate / rawRate, 3)}** | ${fmt(r.peakMb)} MB${r.stopped ? ' (so far)' : ''} |`);
      }
    } finally {
      // A million events is gigabytes on disk: kept only when asked (or reused).
      if (!process.env.BENCH_REBUILD_KEEP && !process.env.BENCH_REBUILD_REUSE) await db.dropDatabase().catch(() => undefined);
      await conn.close();
    }
  }
  console.log(`\nrebuild (${VIA}):\n\n| events | projection | load | raw read | rebuild | rebuild/raw | peak memory |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}`);
}
