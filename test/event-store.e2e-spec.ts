import {
  announceUnsequenced,
  BatchOutcomeUnknownError,
  CommitDocument,
  EventStoreCollections,
  InjectedStoreFault,
  LogChunkDocument,
  LogEntry,
  LogPageDocument,
  LogPositionTakenError,
  NthCallFault,
  withFaults,
  LogWaker,
  MongoEventStore,
  MongoLogReader,
  mongoPersonalDataCipher,
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
  const cipher = mongoPersonalDataCipher(db, 'test-data-key-secret', false);
  store = new MongoEventStore(db, upcasters, silentWaker, cipher);
  reader = new MongoLogReader(db, upcasters, cipher);
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

  it('concurrent appends share their inserts (group commit), and each keeps its own conflict check', async () => {
    const calls: string[] = [];
    const counting = withFaults(db, { decide: (step) => (calls.push(step), null) });
    const grouped = new MongoEventStore(counting, new UpcasterRegistry(), silentWaker, mongoPersonalDataCipher(db, 'test-data-key-secret', false));
    // 40 streams written once, and 4 writers racing for each of 10 more.
    const single = Array.from({ length: 40 }, (_, i) => grouped.append({ streamId: `g-${i}`, version: 0, head: null }, [ev(i)], meta));
    const racing = Array.from({ length: 40 }, (_, i) => grouped.append({ streamId: `race-${i % 10}`, version: 0, head: null }, [ev(100 + i)], meta));
    const outcomes = await Promise.allSettled([...single, ...racing]);
    expect(outcomes.slice(0, 40).every((o) => o.status === 'fulfilled')).toBe(true);
    const raced = outcomes.slice(40);
    expect(raced.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    for (const o of raced) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(StreamConflictError);
    for (let i = 0; i < 10; i++) expect((await store.load(`race-${i}`)).events).toHaveLength(1);
    // Every stored commit has its marker, and no marker is without its commit.
    const commitIds = (await db.collection(EventStoreCollections.commits).find({}, { projection: { _id: 1 } }).toArray()).map((c) => c._id).sort();
    const markerIds = (await db.collection(EventStoreCollections.inbox).find({}, { projection: { _id: 1 } }).toArray()).map((m) => m._id).sort();
    expect(commitIds).toHaveLength(50);
    expect(markerIds).toEqual(commitIds);
    // 80 appends, far fewer round trips than the 160 single inserts they would have taken.
    const inserts = calls.filter((c) => c.startsWith('commits.insert') || c.startsWith('inbox.insert'));
    expect(inserts.length).toBeLessThan(40);
    expect(inserts).toContain('commits.insertMany');
  });

  it('a batch that fails as a whole fails each of its appends, and nothing half-done is lost', async () => {
    const fault = new NthCallFault(0, 'before', (step) => step === 'commits.insertMany');
    const faulty = new MongoEventStore(withFaults(db, fault), new UpcasterRegistry(), silentWaker, mongoPersonalDataCipher(db, 'test-data-key-secret', false));
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => faulty.append({ streamId: `f-${i}`, version: 0, head: null }, [ev(i)], meta)));
    const failed = outcomes.filter((o) => o.status === 'rejected');
    expect(fault.fired).toBe('commits.insertMany');
    expect(failed.length).toBeGreaterThan(1);
    // Alone, the fault itself; in a group, outcome unknown (never a conflict), caused by it.
    const reasons = failed.map((o) => (o as PromiseRejectedResult).reason);
    expect(reasons.some((r) => r instanceof BatchOutcomeUnknownError)).toBe(true);
    for (const r of reasons) expect(r instanceof BatchOutcomeUnknownError ? r.cause : r).toBeInstanceOf(InjectedStoreFault);
    for (const r of reasons) expect(r).not.toBeInstanceOf(StreamConflictError);
    // The failed ones left markers without commits: the sequencer fills their versions; the others go in the log.
    const sequencer = new Sequencer(db, { batchSize: 100, markerGraceMs: 0 });
    while ((await sequencer.sequenceInbox()).sequenced > 0);
    const log = await readWholeLog();
    expect(log).toHaveLength(20);
    expect(log.filter((e) => e.events[0].type === 'append.abandoned')).toHaveLength(failed.length);
    expect(await db.collection(EventStoreCollections.inbox).countDocuments({})).toBe(0);
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
    const sequencer = new Sequencer(db, { batchSize: 7, markerGraceMs: 0 });
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

  it('after an upgrade, commits the old order left without a marker are announced again by the admin command', async () => {
    await store.append({ streamId: 'lost-1', version: 0, head: null }, [ev(1)], meta);
    await store.append({ streamId: 'lost-2', version: 0, head: null }, [ev(2)], meta);
    await db.collection(EventStoreCollections.inbox).deleteOne({ _id: 'lost-1:1' as never });
    const sequencer = new Sequencer(db, { batchSize: 100, markerGraceMs: 0 });
    expect((await sequencer.sequenceInbox()).sequenced).toBe(1);
    expect((await sequencer.sequenceInbox()).sequenced).toBe(0);
    expect(await announceUnsequenced(db)).toEqual({ unsequenced: 1, announced: 1 });
    expect((await sequencer.sequenceInbox()).sequenced).toBe(1);
    expect(await announceUnsequenced(db)).toEqual({ unsequenced: 0, announced: 0 });
    expect((await readWholeLog()).map((e) => e.commitId)).toEqual(['lost-2:1', 'lost-1:1']);
  });

  it('recovers after a crash between writing the log page and finishing: nothing is sequenced twice', async () => {
    for (let i = 0; i < 3; i++) await store.append({ streamId: `r-${i}`, version: 0, head: null }, [ev(i)], meta);
    const sequencer = new Sequencer(db, { batchSize: 100, markerGraceMs: 0 });
    await sequencer.sequenceInbox();
    // Undo everything after the page write: positions, head and marker removal.
    await db.collection(EventStoreCollections.commits).updateMany({}, { $unset: { position: '', sequencedAt: '' } });
    await db.collection(EventStoreCollections.sequencer).deleteMany({});
    for (let i = 0; i < 3; i++) await db.collection(EventStoreCollections.inbox).insertOne({ _id: `r-${i}:1` as never, recordedAt: new Date() });
    await store.append({ streamId: 'r-3', version: 0, head: null }, [ev(3)], meta);

    const restarted = new Sequencer(db, { batchSize: 100, markerGraceMs: 0 });
    expect(await restarted.recover()).toBe(3);
    await restarted.sequenceInbox();
    const log = await readWholeLog();
    expect(log.map((e) => [e.position, e.commitId])).toEqual([[1, 'r-0:1'], [2, 'r-1:1'], [3, 'r-2:1'], [4, 'r-3:1']]);
    expect(await db.collection(EventStoreCollections.inbox).countDocuments({})).toBe(0);
  });

  it('keeps the log in immutable chunks that never cross a block, and copies each complete block to a page', async () => {
    for (let i = 0; i < 150; i++) await store.append({ streamId: `p-${i}`, version: 0, head: null }, [ev(i)], meta);
    const sequencer = new Sequencer(db, { batchSize: 70, markerGraceMs: 0 });
    while ((await sequencer.sequenceInbox()).sequenced > 0);
    const chunks = await db.collection<LogChunkDocument>(EventStoreCollections.logChunks).find({}).sort({ _id: 1 }).toArray();
    expect(chunks.map((c) => [c.first, c.last])).toEqual([[1, 70], [71, 100], [101, 140], [141, 150]]);
    const pages = await db.collection<LogPageDocument>(EventStoreCollections.logPages).find({}).toArray();
    expect(pages.map((p) => [p._id, p.entries.map((e) => e.position)])).toEqual([[logPageId(1), Array.from({ length: 100 }, (_, i) => i + 1)]]);
    // Any starting position reads the same entries, inside a chunk or at its edge.
    for (const from of [0, 3, 69, 70, 95, 100, 120, 145, 150]) {
      const read = await new MongoLogReader(db, new UpcasterRegistry(), mongoPersonalDataCipher(db, 'test-data-key-secret', false)).readAfter(from, 10);
      expect(read[0]?.position).toBe(from < 150 ? from + 1 : undefined);
      expect(read.map((e) => e.position)).toEqual(Array.from({ length: read.length }, (_, i) => from + i + 1));
      expect(read.length).toBeGreaterThanOrEqual(Math.min(10, 150 - from));
    }
  });
});

describe('the log under faults', () => {
  const positions = (log: LogEntry[]) => log.map((e) => e.position);
  const dense = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  async function appendMany(prefix: string, n: number) {
    for (let i = 0; i < n; i++) await store.append({ streamId: `${prefix}-${i}`, version: 0, head: null }, [ev(i)], meta);
  }

  async function expectEveryCommitOnce() {
    const log = await readWholeLog();
    expect(positions(log)).toEqual(dense(log.length));
    const commits = await db.collection<CommitDocument>(EventStoreCollections.commits).find({}).toArray();
    expect(log.map((e) => e.commitId).sort()).toEqual(commits.map((c) => c._id).sort());
    for (const c of commits) expect(log.find((e) => e.commitId === c._id)?.position).toBe(c.position);
    return log;
  }

  it('a store error after the chunk insert, at any later step of the round, never rewrites or repeats a position', async () => {
    // The steps after the chunk: commit positions, inbox delete, head; before and after each lands.
    for (const [i, timing] of [0, 1, 2, 3, 4].flatMap((n) => [[n, 'before'], [n, 'after']] as const)) {
      await appendMany(`f${i}${timing}`, 3);
      let armed = false;
      const fault = new NthCallFault(i, timing, (step) => armed && !step.startsWith('log_chunks') && !step.endsWith('findOne'));
      const sequencer = new Sequencer(withFaults(db, fault), { batchSize: 100, markerGraceMs: 0 });
      await sequencer.recover();
      armed = true;
      const before = await readWholeLog();
      // The round's chunk goes in, then one of the following calls fails.
      await expect(sequencer.sequenceInbox()).rejects.toBeInstanceOf(InjectedStoreFault);
      expect(fault.fired).not.toBeNull();
      const written = await readWholeLog();
      await appendMany(`g${i}${timing}`, 2);
      while ((await sequencer.sequenceInbox()).sequenced > 0);
      const after = await expectEveryCommitOnce();
      // Entries once read are never rewritten.
      expect(after.slice(0, written.length)).toEqual(written);
      expect(after.length).toBe(before.length + 5);
    }
    expect(await db.collection(EventStoreCollections.inbox).countDocuments({})).toBe(0);
  });

  it('two sequencers at once (one paused past its lease) never write one position twice nor a commit twice', async () => {
    await appendMany('a', 5);
    // `one` stops right before its chunk insert, after reading the inbox and the commits.
    let resume: () => void = () => undefined;
    let paused: () => void = () => undefined;
    const atInsert = new Promise<void>((r) => (paused = r));
    const pausing = new Proxy(db, {
      get(target, prop) {
        if (prop !== 'collection') return Reflect.get(target, prop, target);
        return (name: string) => {
          const col = target.collection(name);
          if (name !== EventStoreCollections.logChunks) return col;
          return new Proxy(col, {
            get(c, p) {
              if (p !== 'insertOne') return Reflect.get(c, p, c).bind?.(c) ?? Reflect.get(c, p, c);
              return async (...args: unknown[]) => {
                paused();
                await new Promise<void>((r) => (resume = r));
                return (c.insertOne as (...a: unknown[]) => Promise<unknown>)(...args);
              };
            },
          });
        };
      },
    });
    const one = new Sequencer(pausing, { batchSize: 100, markerGraceMs: 0 });
    const two = new Sequencer(db, { batchSize: 100, markerGraceMs: 0 });
    const stale = one.sequenceInbox();
    await atInsert;
    // Meanwhile `two` takes over and sequences the same commits, and more.
    await two.sequenceInbox();
    await appendMany('b', 3);
    await two.sequenceInbox();
    resume();
    await expect(stale).rejects.toBeInstanceOf(LogPositionTakenError);
    expect(await expectEveryCommitOnce()).toHaveLength(8);
    // Both carry on; whichever loses a position recovers, and nothing is repeated.
    await appendMany('c', 2);
    const direct = new Sequencer(db, { batchSize: 100, markerGraceMs: 0 });
    await Promise.allSettled([direct.sequenceInbox(), two.sequenceInbox()]);
    while ((await direct.sequenceInbox().catch(() => ({ sequenced: 1 }))).sequenced > 0);
    expect(await expectEveryCommitOnce()).toHaveLength(10);
  });

  it('sequencedAt never goes backwards along the log, even when a clock does', async () => {
    await appendMany('t', 2);
    const late = new Sequencer(db, { batchSize: 100, markerGraceMs: 0 }, () => new Date('2030-01-01T00:00:00Z'));
    await late.sequenceInbox();
    await appendMany('u', 2);
    const behind = new Sequencer(db, { batchSize: 100, markerGraceMs: 0 }, () => new Date('2020-01-01T00:00:00Z'));
    await behind.sequenceInbox();
    const times = (await readWholeLog()).map((e) => new Date(e.sequencedAt).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[3]).toBe(new Date('2030-01-01T00:00:00Z').getTime());
  });

  it('puts a commit after the commits it depends on, even when their markers were lost', async () => {
    await store.append({ streamId: 'article-x', version: 0, head: null }, [ev(0)], meta);
    await store.append({ streamId: 'reply-p', version: 0, head: null }, [ev(1)], meta, { dependsOn: ['article-x:1'] });
    await store.append({ streamId: 'reply-c', version: 0, head: null }, [ev(2)], meta, { dependsOn: ['article-x:1', 'reply-p:1'] });
    // The article's and the parent's markers are lost: only the child is in the inbox.
    await db.collection(EventStoreCollections.inbox).deleteMany({ _id: { $in: ['article-x:1', 'reply-p:1'] } as never });
    await new Sequencer(db, { batchSize: 100, markerGraceMs: 60_000 }).sequenceInbox();
    expect((await readWholeLog()).map((e) => e.commitId)).toEqual(['article-x:1', 'reply-p:1', 'reply-c:1']);
  });
});
