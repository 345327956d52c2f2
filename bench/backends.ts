/*
 * npm run bench:backends: the store's own speed by `_id` as a collection grows, for choosing
 * FerretDB's backend (FERRETDB_HANDLER=sqlite|postgresql; docs/decisions/0038). At each size
 * in BACKENDS_SIZES: commit-sized documents loaded with insertMany, then, one client,
 * sequential: single inserts, `_id` lookups, and `$set` updates by `_id` (what a projector
 * does). A lookup that uses the `_id` index costs the same at every size; one that reads the
 * whole collection slows down as it grows.
 */
import mongoose from 'mongoose';

const MONGO = process.env.BENCH_MONGO_URL ?? 'mongodb://127.0.0.1:27045';
const SIZES = (process.env.BACKENDS_SIZES ?? '1000,20000').split(',').map(Number);
const OPS = Number(process.env.BACKENDS_OPS ?? 1000);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

const doc = (i: number) => ({
  _id: `reply-${i}:1`,
  streamId: `reply-${i}`,
  version: 1,
  previous: null,
  events: [{ type: 'reply.submitted', schemaVersion: 1, data: { body: 'x'.repeat(300) } }],
  recordedAt: new Date(),
});

async function timed(n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await op(i);
  return n / ((performance.now() - t) / 1000);
}

async function main() {
  const conn = await mongoose.createConnection(`${MONGO}/bench_backends`).asPromise();
  console.log(`store: ${process.env.FERRETDB_HANDLER ?? 'sqlite'}; ${OPS} sequential operations of each kind per size, one client`);
  for (const size of SIZES) {
    const col = conn.db!.collection<{ _id: string }>(`size_${size}`);
    const t = performance.now();
    for (let i = 0; i < size; i += 500) await col.insertMany(Array.from({ length: Math.min(500, size - i) }, (_, k) => doc(i + k)));
    const loadPerSec = size / ((performance.now() - t) / 1000);
    const inserts = await timed(OPS, (i) => col.insertOne(doc(size + i)));
    const total = size + OPS;
    const lookups = await timed(OPS, (i) => col.findOne({ _id: `reply-${(i * 7919) % total}:1` }));
    const updates = await timed(OPS, (i) => col.updateOne({ _id: `reply-${(i * 104729) % total}:1` }, { $set: { sequencedAt: new Date() } }));
    const missing = await timed(200, (i) => col.findOne({ _id: `absent-${i}` }));
    console.log(
      `collection of ${total} documents: load ${round(loadPerSec)} docs/s (insertMany of 500); insertOne ${round(inserts)}/s; findOne by _id ${round(lookups)}/s (absent _id ${round(missing)}/s); updateOne $set by _id ${round(updates)}/s`,
    );
  }
  await conn.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
