import { aliasFlipAnnouncer, aliasFlipsChannel, aliasId, liveProjections, liveViewNames, VIEW_ALIASES, ViewAliasDocument, ViewAliases, ViewNames } from '@app/read-models';
import Redis from 'ioredis';
import mongoose, { Connection, mongo } from 'mongoose';
import { eventually, TEST_MONGO_URL, TEST_REDIS_URL, uniqueName } from './support/system';

/** Two processes' view of the aliases, against the real store and Redis (decision 0044). */
describe('a rebuild flip reaches every process', () => {
  let connection: Connection;
  let db: mongo.Db;
  let redis: Redis;
  const prefix = uniqueName('flips');
  const thread = liveProjections().find((p) => p.name === 'thread')!;
  const running: ViewAliases[] = [];

  beforeAll(async () => {
    connection = await mongoose.createConnection(`${TEST_MONGO_URL}/${uniqueName('flips')}`).asPromise();
    db = connection.db!;
    redis = new Redis(TEST_REDIS_URL);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((a) => a.stop()));
  });

  afterAll(async () => {
    await db.dropDatabase();
    await connection.close();
    redis.disconnect();
  });

  /** A process's aliases, started as ReadModelsModule starts them; with notices, once its subscription's first read is done. */
  async function aProcess(pollMs: number, notices = true): Promise<ViewNames> {
    const names = liveViewNames();
    const aliases = new ViewAliases(db, liveProjections(), names);
    await aliases.refresh();
    aliases.start(pollMs, notices ? { url: TEST_REDIS_URL, prefix } : undefined);
    running.push(aliases);
    if (notices) await eventually(async () => expect(aliases.reads).toBeGreaterThanOrEqual(1), 5_000);
    return names;
  }

  const flip = (generation: string) => {
    const alias: ViewAliasDocument = { _id: aliasId(thread), generation, rebuildId: generation, previous: '', flippedAt: new Date() };
    return db.collection<ViewAliasDocument>(VIEW_ALIASES).replaceOne({ _id: alias._id }, alias, { upsert: true });
  };

  const subscribed = (n: number) => eventually(async () => expect(((await redis.call('PUBSUB', 'NUMSUB', aliasFlipsChannel(prefix))) as [string, number])[1]).toBe(n));

  it('by its notice at once, though the poll would take ten minutes', async () => {
    const api = await aProcess(600_000);
    const worker = await aProcess(600_000);
    await subscribed(2);
    await flip('ra1');
    // Not announced: nobody moves (no poll is due).
    await new Promise((r) => setTimeout(r, 500));
    expect([api.generationOf('thread'), worker.generationOf('thread')]).toEqual(['', '']);
    aliasFlipAnnouncer(redis, prefix)(aliasId(thread));
    await eventually(async () => expect([api.generationOf('thread'), worker.generationOf('thread')]).toEqual(['ra1', 'ra1']), 5_000);
    // Other projections stay on their first build.
    expect(api.generationOf('reply-details')).toBe('');
  });

  it('by reading again until the store answers, when the store fails as the notice arrives', async () => {
    // The alias collection's reads fail the next three times: the notice must not be used up.
    let failures = 0;
    const failing = new Proxy(db, {
      get(target, prop) {
        if (prop !== 'collection') return Reflect.get(target, prop, target);
        return (name: string) => {
          const c = target.collection(name);
          if (name !== VIEW_ALIASES) return c;
          return new Proxy(c, { get: (col, m) => (m === 'find' && failures-- > 0 ? () => ({ toArray: () => Promise.reject(new Error('store away')) }) : Reflect.get(col, m, col).bind(col)) });
        };
      },
    }) as mongo.Db;
    const names = liveViewNames();
    const aliases = new ViewAliases(failing, liveProjections(), names);
    await aliases.refresh();
    aliases.start(600_000, { url: TEST_REDIS_URL, prefix });
    running.push(aliases);
    await eventually(async () => expect(aliases.reads).toBeGreaterThanOrEqual(1), 5_000);
    const before = names.generationOf('thread');
    failures = 3;
    await flip('ra4');
    aliasFlipAnnouncer(redis, prefix)(aliasId(thread));
    await eventually(async () => expect(names.generationOf('thread')).toBe('ra4'), 10_000);
    expect(before).not.toBe('ra4');
    expect(failures).toBeLessThan(0);
  });

  it('by its poll when the notice was lost', async () => {
    const names = await aProcess(300, false);
    await flip('ra2');
    await eventually(async () => expect(names.generationOf('thread')).toBe('ra2'), 5_000);
  });

  it('by reading again whenever its subscription comes back, since notices may have been missed meanwhile', async () => {
    const names = await aProcess(600_000);
    await subscribed(1);
    const before = names.generationOf('thread');
    // A flip whose notice this process could not get: its connection is cut.
    await flip('ra3');
    await new Promise((r) => setTimeout(r, 500));
    expect(names.generationOf('thread')).toBe(before);
    const clients = ((await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string).split('\n');
    const ours = clients.filter((c) => c.includes(` name=${prefix}:alias-flips `)).map((c) => /\bid=(\d+)/.exec(c)![1]);
    expect(ours).toHaveLength(1);
    await redis.call('CLIENT', 'KILL', 'ID', ours[0]);
    await eventually(async () => expect(names.generationOf('thread')).toBe('ra3'), 10_000);
  });
});
