/*
 * A stand-in for `admin rebuild --projection <name>` until that command exists: one live
 * projector's consumer (lease, checkpoint per batch, fencing) over a ProjectionRunner writing
 * scratch collections, from position 0 to the head. Run as a child process so its peak memory
 * is its own; its last line has the command's format, which the bench parses.
 *   MONGO_URL=... REDIS_URL=... QUEUE_PREFIX=... node dist/bench/rebuild/stand-in-rebuild.js <projection>
 */
import { DEV_DATA_KEY_SECRET } from '@app/platform';
import { DEFAULT_CONSUMER_OPTIONS, LogConsumer, RedisLeases } from '@app/event-store';
import { liveProjections, ProjectionRunner, ViewNames } from '@app/read-models';
import Redis from 'ioredis';
import mongoose from 'mongoose';
import { logReader } from './raw-read';

/** As the rebuild runner's default (REBUILD_BATCH_SIZE): one checkpoint save per 500 entries. */
const BATCH_SIZE = Number(process.env.REBUILD_BATCH_SIZE ?? 500);

async function main(): Promise<void> {
  const name = process.argv[2] ?? 'thread';
  const projection = liveProjections().find((p) => p.name === name);
  if (!projection) throw new Error(`no projection ${name}`);
  const conn = await mongoose.createConnection(process.env.MONGO_URL!).asPromise();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: false });
  const db = conn.db!;
  try {
    const reader = logReader(db, process.env.DATA_KEY_SECRET ?? DEV_DATA_KEY_SECRET);
    const head = await reader.head();
    const runner = new ProjectionRunner(db, projection, ViewNames.of([projection]).scratch(`rebuild_${Date.now()}__`));
    const consumer = new LogConsumer(db, reader, new RedisLeases(redis, process.env.QUEUE_PREFIX ?? 'bench-rebuild'), runner, { ...DEFAULT_CONSUMER_OPTIONS, batchSize: BATCH_SIZE });
    const started = performance.now();
    let events = 0;
    for (;;) {
      const handled = await consumer.catchUp();
      const at = await consumer.checkpoint();
      if (at >= head) break;
      if (handled === 0) throw new Error(`the rebuild stopped at ${at} of ${head}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const mb = process.resourceUsage().maxRSS / 1024;
    await consumer.stop();
    // Events, not entries: a commit may hold several.
    for (let from = 0; from < head; ) {
      const read = await reader.readAfter(from, 1_000);
      if (!read.length) break;
      for (const e of read) events += e.events.length;
      from = read[read.length - 1].position;
    }
    console.log(`rebuilt ${name}: ${events} events in ${seconds.toFixed(1)} s, ${(events / seconds).toFixed(1)} events/s, peak memory ${mb.toFixed(1)} MB`);
  } finally {
    await conn.close();
    redis.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
