/*
 * Loads a database for the rebuild phase ahead of time, to be measured later with
 * BENCH_REBUILD_REUSE=1 (a million events take long to write):
 *   BENCH_MONGO_URL=mongodb://127.0.0.1:27041 node dist/bench/rebuild/preload.js 1000000
 */
import mongoose from 'mongoose';
import { loadOrReuse } from './phase';

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 1_000_000);
  const conn = await mongoose.createConnection(`${process.env.BENCH_MONGO_URL ?? 'mongodb://127.0.0.1:27041'}/bench_rebuild_${size}`).asPromise();
  try {
    const loaded = await loadOrReuse(conn.db!, size);
    console.log(`loaded ${loaded.events} events (${loaded.entries} log entries) in ${loaded.seconds.toFixed(1)} s`);
  } finally {
    await conn.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
