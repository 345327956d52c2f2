import {
  CommitDocument,
  EventStoreCollections,
  LogEntry,
  LogPageDocument,
  LogWaker,
  MongoEventStore,
  MongoLogReader,
  Sequencer,
  StreamConflictError,
  UpcasterRegistry,
  ensureEventStoreIndexes,
  logPageId,
} from '@app/event-store';
import mongoose, { Connection, mongo } from 'mongoose';
import { TEST_MONGO_URL, uniqueName } from './support/system';

const silentWaker: LogWaker = { commitRecorded: async () => undefined, logAdvanced: async () => undefined };
const meta = { actor: { kind: 'system' as const, id: 'test', name: 'test' }, correlationId: 'c', causationId: null };
const ev = (n: number) => ({ type: 'test.happened', schemaVersion: 1, data: { n } });

let connection: Connection;
let db: mongo.Db;
let store: MongoEventStore;
let reader: MongoLogReader;

beforeEach(async () => {
  connection = await mongoose.createConnection(`${TEST_MONGO_URL}/${uniqueName('store')}`).asPromise();
  db = connection.db!;
  await ensureEventStoreIndexes(db);
  const upcasters = new UpcasterRegistry();
  store = new MongoEventStore(db, upcasters, silentWaker);
  reader = new MongoLogReader(db, upcasters);
});
afterEach(() => connection.close());

async function readWholeLog(): Promise<LogEntry[]> {
  const all: LogEntry[] = [];
  for (;;) {
    const batch = await reader.readAfter(all.length ? all[all.length - 1].position : 0, 1000);
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

describe('event store', () => {
  it('appends commits keyed by stream and version and loads the stream back in order', async () => {
    const a = await store.append({ streamId: 's-1', version: 0, head: null }, [ev(1), ev(2)], meta);
    expect(a).toEqual({ commitId: 's-1:1', version: 2 });
    const loaded = await store.load('s-1');
    const b = await store.append(loaded, [ev(3)], meta);
    expect(b).toEqual({ commitId: 's-1:3', version: 3 });
    const again = await store.load('s-1');
    expect(again.version).toBe(3);
    expect(again.head).toBe('s-1:3');
    expect(again.events.map((e) => [e.version, (e.event.data as { n: number }).n])).toEqual([[1, 1], [2, 2], [3, 3]]);
    expect((await db.collection<CommitDocument>('commits').findOne({ _id: 's-1:3' }))?.previous).toBe('s-1:1');
  });

  it('loads only the events after a given position, as from a snapshot', async () => {
    const first = await store.append({ streamId: 's-4', version: 0, head: null }, [ev(1), ev(2)], meta);
    await store.append({ streamId: 's-4', version: 2, head: first.commitId }, [ev(3)], meta);
    const after = await store.load('s-4', { version: 2, head: first.commitId });
    expect(after.events.map((e) => e.version)).toEqual([3]);
    expect(after).toMatchObject({ version: 3, head: 's-4:3' });
    expect(await store.load('s-4', { version: 3, head: 's-4:3' })).toMatchObject({ events: [], version: 3, head: 's-4:3' });
  });

  it('refuses an append at a version another writer took', async () => {
    const stale = await store.load('s-2');
    await store.append(stale, [ev(1)], meta);
    await expect(store.append(stale, [ev(2)], meta)).rejects.toBeInstanceOf(StreamConflictError);
    const writers = await Promise.allSettled([1, 2, 3, 4].map((n) => store.append({ streamId: 's-3', version: 0, head: null }, [ev(n)], meta)));
    expect(writers.filter((w) => w.status === 'fulfilled')).toHaveLength(1);
    expect((await store.load('s-3')).events).toHaveLength(1);
  });

  it('sequences into dense positions, each stream in version order, even when markers arrive out of order', async () => {
    for (let s = 0; s < 5; s++) {
      let stream = await store.load(`seq-${s}`);
      for (let v = 0; v < 4; v++) {
        await store.append(stream, [ev(v)], meta);
        stream = await store.load(`seq-${s}`);
      }
    }
    // Lose the marker of one stream's first commit, so its second is seen first.
    await db.collection(EventStoreCollections.inbox).deleteOne({ _id: 'seq-0:1' as never });
    const sequencer = new Sequencer(db, { batchSize: 7, sweepGraceMs: 0 });
    while ((await sequencer.sequenceInbox()).sequenced > 0);
    const log = await readWholeLog();
    expect(log.map((e) => e.position)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (let s = 0; s < 5; s++) {
      const versions = log.filter((e) => e.streamId === `seq-${s}`).map((e) => e.version);
      expect(versions).toEqual([1, 2, 3, 4]);
    }
    expect(await db.collection(EventStoreCollections.inbox).countDocuments({})).toBe(0);
    expect(await reader.head()).toBe(20);
  });

  it('the sweep finds commits whose marker was never written', async () => {
    await store.append({ streamId: 'lost-1', version: 0, head: null }, [ev(1)], meta);
    await db.collection(EventStoreCollections.inbox).deleteMany({});
    const sequencer = new Sequencer(db, { batchSize: 100, sweepGraceMs: 0 });
    expect((await sequencer.sequenceInbox()).sequenced).toBe(0);
    expect((await sequencer.sweep()).sequenced).toBe(1);
    expect((await readWholeLog()).map((e) => e.commitId)).toEqual(['lost-1:1']);
  });

  it('recovers after a crash between writing the log page and finishing: nothing is sequenced twice', async () => {
    for (let i = 0; i < 3; i++) await store.append({ streamId: `r-${i}`, version: 0, head: null }, [ev(i)], meta);
    const sequencer = new Sequencer(db, { batchSize: 100, sweepGraceMs: 0 });
    await sequencer.sequenceInbox();
    // Undo everything after the page write: positions, head and marker removal.
    await db.collection(EventStoreCollections.commits).updateMany({}, { $unset: { position: '', sequencedAt: '' } });
    await db.collection(EventStoreCollections.sequencer).deleteMany({});
    for (let i = 0; i < 3; i++) await db.collection(EventStoreCollections.inbox).insertOne({ _id: `r-${i}:1` as never, recordedAt: new Date() });
    await store.append({ streamId: 'r-3', version: 0, head: null }, [ev(3)], meta);

    const restarted = new Sequencer(db, { batchSize: 100, sweepGraceMs: 0 });
    expect(await restarted.recover()).toBe(3);
    await restarted.sequenceInbox();
    const log = await readWholeLog();
    expect(log.map((e) => [e.position, e.commitId])).toEqual([[1, 'r-0:1'], [2, 'r-1:1'], [3, 'r-2:1'], [4, 'r-3:1']]);
    expect(await db.collection(EventStoreCollections.inbox).countDocuments({})).toBe(0);
  });

  it('keeps the log in pages, one document per block of positions', async () => {
    for (let i = 0; i < 150; i++) await store.append({ streamId: `p-${i}`, version: 0, head: null }, [ev(i)], meta);
    const sequencer = new Sequencer(db, { batchSize: 1000, sweepGraceMs: 0 });
    await sequencer.sequenceInbox();
    const pages = await db.collection<LogPageDocument>(EventStoreCollections.log).find({}).sort({ _id: 1 }).toArray();
    expect(pages.map((p) => [p._id, p.entries.length])).toEqual([[logPageId(1), 100], [logPageId(101), 50]]);
    expect((await reader.readAfter(95, 10)).map((e) => e.position)).toEqual([96, 97, 98, 99, 100, 101, 102, 103, 104, 105]);
  });
});
