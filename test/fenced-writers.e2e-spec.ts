import { Article, Reply } from '@app/domain';
import { EventStoreCollections, isTransient, LeaseLostError, Leases, LogConsumer, LogWaker, MongoEventStore, MongoLogReader, mongoPersonalDataCipher, NthCallFault, RedisLeases, Sequencer, UpcasterRegistry, ensureEventStoreIndexes, withFaults } from '@app/event-store';
import { ArticleView, ArticleViewProjection, EventAt, liveProjections, ProjectionRunner, ProjectionStore, verifyViews, ViewCollections, ViewNames } from '@app/read-models';
import Redis from 'ioredis';
import mongoose, { Connection, mongo } from 'mongoose';
import { eventually, TEST_MONGO_URL, TEST_REDIS_URL, uniqueName } from './support/system';

const logReader = (d: mongo.Db) => new MongoLogReader(d, new UpcasterRegistry(), mongoPersonalDataCipher(d, 'test-data-key-secret', false));
const silentWaker: LogWaker = { commitRecorded: async () => undefined, logAdvanced: async () => undefined };
const actor = { kind: 'reader' as const, id: 'r', name: 'R' };
const meta = { actor, correlationId: 'c', causationId: null };
const timing = { ttlMs: 600, marginMs: 250, storeTimeoutMs: 150 };

/** The article-view projection, able to stall inside a batch as a paused process would. */
class StallingArticleViews extends ArticleViewProjection {
  stallOn: string | null = null;
  private release: () => void = () => undefined;
  private onStall: () => void = () => undefined;
  readonly stalled = new Promise<void>((r) => (this.onStall = r));
  resume() {
    this.release();
  }
  override async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    if (this.stallOn && JSON.stringify(at.event.data).includes(this.stallOn)) {
      this.stallOn = null;
      this.onStall();
      await new Promise<void>((r) => (this.release = r));
    }
    return super.apply(at, store);
  }
}

describe('a projector paused past its lease', () => {
  let connection: Connection;
  let db: mongo.Db;
  let redis: Redis;
  let store: MongoEventStore;
  let sequencer: Sequencer;
  const prefix = uniqueName('fence');

  beforeAll(async () => {
    connection = await mongoose.createConnection(`${TEST_MONGO_URL}/${uniqueName('fence')}`).asPromise();
    db = connection.db!;
    await ensureEventStoreIndexes(db);
    redis = new Redis(TEST_REDIS_URL);
    store = new MongoEventStore(db, new UpcasterRegistry(), silentWaker, mongoPersonalDataCipher(db, 'test-data-key-secret', false));
    sequencer = new Sequencer(db, { batchSize: 100, markerGraceMs: 0 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await connection.close();
  });

  async function reply(body: string) {
    const article = new Article().rehydrate((await store.load(Article.streamId('a1'))).events.map((e) => e.event as never));
    const r = Reply.submit({ replyId: uniqueName('r').replace(/\W/g, '').padEnd(24, '0').slice(0, 24), article, author: actor, body }, new Date());
    await store.append({ streamId: Reply.streamId(r.id), version: 0, head: null }, r.pullEvents(), meta, { dependsOn: ['article-a1:1'] });
    await sequencer.sequenceInbox();
  }

  const names = ViewNames.of([new ArticleViewProjection()]);
  const view = () => db.collection<ArticleView>(names.collection(ViewCollections.articles)).findOne({ _id: 'a1' });
  /** Replies the article view at `at` has counted. */
  const submittedIn = (at: ViewNames) => async () => (await db.collection<ArticleView>(at.collection(ViewCollections.articles)).findOne({ _id: 'a1' }))!.stats.submitted;
  const consumer = (projection: ArticleViewProjection) =>
    new LogConsumer(db, logReader(db), new RedisLeases(redis, prefix), new ProjectionRunner(db, projection, names), {
      batchSize: 100,
      timing,
      attempts: 1,
      backoffMs: 10,
    });

  it('writes nothing once its lease is gone; the new holder waits it out; no view is rolled back', async () => {
    const article = Article.publish({ articleId: 'a1', title: 'T', author: 'W', category: 'C', body: ['p'] }, new Date());
    await store.append({ streamId: Article.streamId('a1'), version: 0, head: null }, article.pullEvents(), meta);
    await sequencer.sequenceInbox();
    await reply('one');
    await reply('two');

    const paused = new StallingArticleViews();
    paused.stallOn = 'two';
    const first = consumer(paused);
    const stale = first.catchUp();
    await paused.stalled; // documents read, nothing written yet: then the process stops

    // Its lease runs out; a second worker takes over after waiting it out, and moves on.
    await new Promise((r) => setTimeout(r, timing.ttlMs + 50));
    const second = consumer(new ArticleViewProjection());
    const startedAt = performance.now();
    await second.catchUp();
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(timing.ttlMs + timing.storeTimeoutMs - 10);
    await reply('three');
    await second.catchUp();
    // Reply.submit starts every reply `checking` (no verdicts are written here): all three counted there.
    expect((await view())?.stats).toMatchObject({ submitted: 3, checking: 3, published: 0 });
    const newer = (await view())!.fence!;

    // The paused one wakes up mid-batch: it starts no write, and stops.
    paused.resume();
    await expect(stale).rejects.toBeInstanceOf(LeaseLostError);
    expect((await view())?.stats).toMatchObject({ submitted: 3, checking: 3, published: 0 });
    expect((await view())?.fence).toBe(newer);
    expect(await second.checkpoint()).toBe(4);

    const report = await verifyViews(db, logReader(db), [new ArticleViewProjection()], names);
    expect(report.differences).toEqual([]);
    expect(report.documents).toBe(1);
    await second.stop();
    await first.stop();
  });

  it('verify lists a document a stale writer rolled back, field by field', async () => {
    await db.collection<ArticleView>(names.collection(ViewCollections.articles)).updateOne({ _id: 'a1' }, { $set: { 'stats.submitted': 2 } });
    const report = await verifyViews(db, logReader(db), [new ArticleViewProjection()], names);
    expect(report.differences).toEqual([
      expect.objectContaining({ collection: names.collection(ViewCollections.articles), id: 'a1', field: 'stats', live: expect.objectContaining({ submitted: 2 }), rebuilt: expect.objectContaining({ submitted: 3 }) }),
    ]);
    // Nothing of the scratch rebuild is left behind.
    expect((await db.listCollections().toArray()).map((c) => c.name).filter((n) => n.startsWith('verify_'))).toEqual([]);
  });

  it('a store call failing at each step of a projection batch in turn leaves views equal to a rebuild', async () => {
    for (let i = 0; i < 4; i++) await reply(`step ${i}`);
    const projections = liveProjections();
    const all = ViewNames.of(projections);
    const reader = logReader(db);
    for (const projection of projections) {
      // Count the calls one clean batch makes, on a scratch copy, then fail each in turn.
      const counting = { calls: 0, decide: () => (counting.calls++, null) };
      const scratch = all.scratch(uniqueName('count') + '__');
      await new ProjectionRunner(withFaults(db, counting), projection, scratch).handle(await reader.readAfter(0, 1000));
      for (let n = 0; n < counting.calls; n++) {
        for (const when of ['before', 'after'] as const) {
          const names = all.scratch(`s${n}${when[0]}_${projection.name.replace(/\W/g, '')}__`);
          const fault = new NthCallFault(n, when);
          const c = new LogConsumer(db, reader, new RedisLeases(redis, `${prefix}-${n}-${when}`), new ProjectionRunner(withFaults(db, fault), projection, names), {
            batchSize: 1000,
            timing,
            attempts: 1,
            backoffMs: 1,
          });
          await c.catchUp().catch(() => undefined);
          expect(fault.fired).not.toBeNull();
          // Recovery as the worker does it: a store call too slow for the short test timeout
          // on a busy machine is one more transient fault, tried again from the checkpoint.
          for (let tries = 0; ; tries++) {
            try {
              await c.catchUp();
              break;
            } catch (error) {
              if (!isTransient(error) || tries >= 5) throw error;
            }
          }
          const clean = all.scratch(`c${n}${when[0]}_${projection.name.replace(/\W/g, '')}__`);
          await new ProjectionRunner(db, projection, clean).handle(await reader.readAfter(0, 1000));
          for (const collection of projection.collections) {
            const strip = (docs: Record<string, unknown>[]) => docs.map(({ fence: _, ...d }) => d);
            const got = strip(await db.collection(names.collection(collection)).find({}).sort({ _id: 1 }).toArray());
            const want = strip(await db.collection(clean.collection(collection)).find({}).sort({ _id: 1 }).toArray());
            expect({ step: fault.fired, when, docs: got }).toEqual({ step: fault.fired, when, docs: want });
          }
          await c.stop();
        }
      }
    }
  });

  it('an idle poll at the head asks the store nothing; past the head, or once its quiet time is up, it catches up', async () => {
    const calls: string[] = [];
    const counting = new Proxy(db, {
      get(target, prop) {
        if (prop !== 'collection') return Reflect.get(target, prop, target);
        return (name: string) =>
          new Proxy(target.collection(name), {
            get(c, method) {
              const value = Reflect.get(c, method, c);
              if (typeof value !== 'function') return value;
              return (...args: unknown[]) => (calls.push(`${name}.${String(method)}`), value.apply(c, args));
            },
          });
      },
    }) as mongo.Db;
    const reader = logReader(counting);
    const quietFor = (quietPollMs: number) => {
      const at = names.scratch(`${uniqueName('quiet').replace(/\W/g, '')}__`);
      const consumer = new LogConsumer(counting, reader, new RedisLeases(redis, prefix), new ProjectionRunner(counting, new ArticleViewProjection(), at), { batchSize: 100, timing: { ttlMs: 5_000, marginMs: 2_000, storeTimeoutMs: 1_000 }, attempts: 1, backoffMs: 10, quietPollMs });
      const submitted = submittedIn(at);
      return { consumer, submitted };
    };
    const { consumer: c, submitted } = quietFor(60_000);
    // Quiet for a minute: long enough that nothing below depends on how fast the machine is.
    const short = quietFor(3_000);
    try {
      await c.catchUp();
      const before = await submitted();
      calls.length = 0;
      expect(await c.poll(await reader.head())).toBe(0);
      expect(calls).toEqual([`${EventStoreCollections.sequencer}.findOne`]); // the head, read above

      // A reply past the head is caught up by the poll that is told of it.
      await reply('while it idles');
      expect(await c.poll(await reader.head())).toBe(1);
      expect(await submitted()).toBe(before + 1);

      // Told of a head that trails the log (a lost wake-up and a sequencer that died before
      // moving its hint), it skips the store while quiet...
      const trailing = await reader.head();
      await short.consumer.catchUp();
      await reply('past a trailing hint');
      calls.length = 0;
      expect(await c.poll(trailing)).toBe(0);
      expect(await short.consumer.poll(trailing)).toBe(0);
      expect(calls).toEqual([]);
      // ...and once its quiet time is up, it looks whole: late-write reports and the log itself.
      await new Promise((r) => setTimeout(r, 3_100));
      expect(await short.consumer.poll(trailing)).toBe(1);
      expect(calls).toContain(`${EventStoreCollections.lateWrites}.find`);
      expect(await short.submitted()).toBe(before + 2);
      expect(await c.poll(trailing)).toBe(0);
      expect(await submitted()).toBe(before + 1);

      // The head unread (the store away, as the log worker passes it): a quiet consumer runs
      // whole at once, its lease renewed, and catches up on everything it skipped.
      await reply('with the head unread');
      calls.length = 0;
      expect(await c.poll(Number.POSITIVE_INFINITY)).toBe(2);
      expect(calls).toContain(`${EventStoreCollections.lateWrites}.find`);
      expect(await submitted()).toBe(before + 3);
    } finally {
      await c.stop();
      await short.consumer.stop();
    }
  });

  it("a wake-up during a quiet poll's lease renewal is caught up after it; a lease lost while quiet makes the next look whole", async () => {
    const reader = logReader(db);
    const at = names.scratch(`${uniqueName('quietlease').replace(/\W/g, '')}__`);
    // The quiet consumer's renewals wait at this gate while it is set, as a slow Redis would hold them.
    let gate: Promise<void> | null = null;
    const leases = new RedisLeases(redis, prefix);
    const gated: Leases = {
      acquire: async (name, ttlMs, floor) => {
        const lease = await leases.acquire(name, ttlMs, floor);
        return lease && { ...lease, renew: async () => (await gate, lease.renew()) };
      },
    };
    const options = { batchSize: 100, timing: { ttlMs: 5_000, marginMs: 2_000, storeTimeoutMs: 1_000 }, attempts: 1, backoffMs: 10, quietPollMs: 60_000 };
    const c = new LogConsumer(db, reader, gated, new ProjectionRunner(db, new ArticleViewProjection(), at), options);
    const other = new LogConsumer(db, reader, leases, new ProjectionRunner(db, new ArticleViewProjection(), at), options);
    const submitted = submittedIn(at);
    try {
      await c.catchUp();
      const before = await submitted();
      const trailing = await reader.head();

      // The wake-up for a reply comes while the idle poll's renewal is on its way to Redis.
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      await reply('during the renewal');
      const polled = c.poll(trailing);
      const woken = c.catchUp();
      await new Promise((r) => setTimeout(r, 50));
      expect(await submitted()).toBe(before); // both wait for the renewal
      gate = null;
      open();
      expect(await polled).toBe(0);
      expect(await woken).toBe(1); // not lost in the renewal
      expect(await submitted()).toBe(before + 1);

      // Its lease runs out while it is quiet (a pause, a Redis failover); another process takes it and moves on.
      await redis.del(`${prefix}:lease:${c.lease.name}`);
      await reply('while the other holds it');
      expect(await other.catchUp()).toBe(1);
      expect(await submitted()).toBe(before + 2);
      // Its next quiet poll finds the lease taken: it writes nothing and forgets the checkpoint it kept...
      expect(await c.poll(trailing)).toBe(0);
      await other.stop();
      // ...so with the lease free again it reads the other's checkpoint instead of its own, and
      // looks whole though told of a trailing head: each reply handled once.
      await reply('after the other stopped');
      expect(await c.poll(trailing)).toBe(1);
      expect(await submitted()).toBe(before + 3);
    } finally {
      await c.stop();
      await other.stop();
    }
  });

  it('a write that lands after it was given up is reported, and the view is replayed past the rollback', async () => {
    // The first update of the article view goes out, and the store sits on it past the timeout.
    const mine = names.scratch(`${uniqueName('late').replace(/\W/g, '')}__`);
    const viewOf = () => db.collection<ArticleView>(mine.collection(ViewCollections.articles)).findOne({ _id: 'a1' });
    let land: () => void = () => undefined;
    let held = false;
    const holding = new Proxy(db, {
      get(target, prop) {
        if (prop !== 'collection') return Reflect.get(target, prop, target);
        return (name: string) => {
          const col = target.collection(name);
          return new Proxy(col, {
            get(c, method) {
              const value = Reflect.get(c, method, c);
              if (method !== 'replaceOne' || held || name !== mine.collection(ViewCollections.articles)) return typeof value === 'function' ? value.bind(c) : value;
              held = true;
              return async (...args: unknown[]) => {
                await new Promise<void>((r) => (land = r));
                return value.apply(c, args);
              };
            },
          });
        };
      },
    }) as mongo.Db;
    const reader = logReader(db);
    const options = { batchSize: 100, timing, attempts: 1, backoffMs: 10 };
    const stalled = new LogConsumer(db, reader, new RedisLeases(redis, prefix), new ProjectionRunner(holding, new ArticleViewProjection(), mine), options);
    await stalled.catchUp(); // the view's first write is an insert
    const before = (await viewOf())!.stats.submitted;
    await reply('late one');
    await expect(stalled.catchUp()).rejects.toThrow(/store call gave no answer/);
    // It would write nothing more until that call answers; another worker takes over once its
    // lease ran out, and moves on before the held write lands.
    const c = new LogConsumer(db, reader, new RedisLeases(redis, prefix), new ProjectionRunner(db, new ArticleViewProjection(), mine), options);
    await eventually(async () => expect(await c.catchUp()).toBeGreaterThan(0));
    await reply('after it');
    await c.catchUp();
    expect((await viewOf())!.stats.submitted).toBe(before + 2);
    land();
    await new Promise((r) => setTimeout(r, 200));
    const stale = (await viewOf())!;
    expect(stale.stats.submitted).toBe(before + 1); // rolled back by the late write
    expect(await db.collection(EventStoreCollections.lateWrites).countDocuments({ consumer: c.handler.name })).toBe(1);

    // Built on before the report is read (here: its sender died before sending it), the
    // rolled-back document is caught on load: the holder remembers what it wrote there.
    const report = await db.collection(EventStoreCollections.lateWrites).findOne({ consumer: c.handler.name });
    await db.collection(EventStoreCollections.lateWrites).deleteOne({ _id: report!._id });
    await reply('on top of it');
    await c.catchUp();
    expect((await viewOf())!.stats.submitted).toBe(before + 3);

    // Reported and not touched since: the next look at the reports replays it.
    land = () => undefined;
    await db.collection(EventStoreCollections.lateWrites).insertOne({ ...report!, _id: report!._id });
    const { _id, ...rolledBack } = stale;
    await db.collection<ArticleView>(mine.collection(ViewCollections.articles)).updateOne({ _id }, { $set: rolledBack });
    await new Promise((r) => setTimeout(r, 1_000)); // the holder looks for reports once a second
    await c.catchUp();
    expect((await viewOf())!.stats.submitted).toBe(before + 3);
    expect(await db.collection(EventStoreCollections.lateWrites).countDocuments({ consumer: c.handler.name })).toBe(0);
    const verified = await verifyViews(db, logReader(db), [new ArticleViewProjection()], mine);
    expect(verified.differences).toEqual([]);
    await c.stop();
    await stalled.stop();
  });
});
