/* npm run bench: figures for docs/benchmarks.md, from one run on this machine. */
import autocannon from 'autocannon';
import { cpus, totalmem } from 'node:os';
import { firstPage, flood, idle, latency, rawStore } from './phases';
import { rebuildPhase } from './rebuild/phase';
import { BASE, json, MONGO, REDIS_URL, round, startApi, startSystem, stopApi, token, waitUp, WORKER_MODE } from './system';

const DATABASE = 'bench_app';
const THREAD_SIZE = Number(process.env.BENCH_THREAD_SIZE ?? 10_000);
/** Offered submissions per second of the submit-to-visible phase, one run each (BENCH_RATES). */
const RATES = (process.env.BENCH_RATES ?? process.env.BENCH_RATE ?? '1,20,200').split(',').map(Number).filter((r) => r > 0);
const ENCRYPTION_RUN = Number(process.env.BENCH_ENCRYPTION_RUN ?? 3_000);
/**
 * Phases to run (comma-separated): raw, encryption, flood (with screening and catch-up), page, idle,
 * latency, rebuild (bench/rebuild/phase.ts). All by default.
 */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'raw,encryption,idle,flood,page,latency,rebuild').split(',').map((p) => p.trim()));

/**
 * Accepted submissions per second with personal-data encryption on and off, each on a fresh
 * database and process, alternating (off, on, off, on) so a drift of the machine hits both.
 * 200 readers share the load, so first replies (a new commenter and key) are in it too.
 */
async function encryptionCost(admin: string) {
  const readers = Array.from({ length: 200 }, (_, i) => token(`enc-reader-${i}`, 'reader', `Reader ${i}`));
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

async function main() {
  const admin = token('bench-admin', 'admin', 'Admin');
  const reader = token('bench-reader', 'reader', 'Reader');

  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), ${round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  const raw = PHASES.has('raw') ? await rawStore() : { insertsPerSec: NaN, lookupsPerSec: NaN };
  if (PHASES.has('raw')) console.log(`store raw: ${round(raw.insertsPerSec)} inserts/s, ${round(raw.lookupsPerSec)} _id lookups/s (sequential, one client)`);

  if (PHASES.has('encryption')) {
    const enc = await encryptionCost(admin);
    console.log(
      `submissions with personal-data encryption: on ${round(enc.on)}/s, off ${round(enc.off)}/s (best of 2 runs of ${ENCRYPTION_RUN} each; on ${enc.runs.on.map((r) => round(r)).join(', ')}, off ${enc.runs.off.map((r) => round(r)).join(', ')}); ratio on/off ${round(enc.on / enc.off, 3)} (target >= 0.95)`,
    );
  }

  // The system is started only for the phases that use it.
  if (['idle', 'flood', 'page', 'latency'].some((p) => PHASES.has(p))) {
    const processes = startSystem(DATABASE);
    console.log(`system: ${WORKER_MODE === 'inline' ? 'API and worker in one process' : 'the API and a worker, separate processes'} (BENCH_WORKER=${WORKER_MODE})`);
    try {
      await waitUp();
      for (const id of ['bench-big', ...RATES.map((r) => `bench-latency-${r}`)]) {
        await json('POST', '/articles', admin, { id, title: id, author: 'Bench', category: 'Bench', body: ['p'] });
      }
      if (PHASES.has('idle')) await idle(processes, `with ${1 + RATES.length} articles and no replies`, DATABASE);

      if (PHASES.has('flood')) await flood(DATABASE, THREAD_SIZE, raw.insertsPerSec, reader, 'bench-big', processes);
      if (PHASES.has('page')) await firstPage(THREAD_SIZE, reader, 'bench-big', processes);
      // 1/s: the floor of the path at rest; then the two loads: p50 at 20/s, p99 at 200/s (above what this machine sustains, so it queues).
      if (PHASES.has('latency')) for (const rate of RATES) await latency(DATABASE, reader, rate, `bench-latency-${rate}`);
      if (PHASES.has('idle') && PHASES.has('flood')) await idle(processes, `after the run (${THREAD_SIZE}+ replies stored)`, DATABASE);
    } finally {
      for (const p of processes) await stopApi(p);
    }
  }

  // Last, with nothing else running: it measures one process against the store.
  if (PHASES.has('rebuild')) await rebuildPhase(MONGO, REDIS_URL);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
