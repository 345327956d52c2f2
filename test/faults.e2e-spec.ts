import { randomBytes } from 'node:crypto';
import { Reply, Article, ArticleEvent } from '@app/domain';
import { CommitDocument, EVENT_STORE, EventStore, LOG_READER, LOG_WAKER, LogReader, LogWaker, MongoEventStore, PersonalDataCipher, StreamConflictError, UpcasterRegistry } from '@app/event-store';
import { CommenterDirectory } from '@app/platform';
import { ProjectionRunner } from '@app/read-models';
import { idempotentReplyId } from '../apps/api/src/shared/ids';
import { OwnFerretDb } from './support/own-ferretdb';
import { OwnRedis } from './support/redis-server';
import { eventually, SEED_ARTICLE_ID, startSystem, System, tokenFor } from './support/system';

const A = SEED_ARTICLE_ID;

const threadIds = async (sys: System, articleId = A) =>
  ((await sys.http.get(`/articles/${articleId}/replies?limit=100&sort=oldest`).expect(200)).body.items as { id: string }[]).map((i) => i.id);

describe('while Redis is down', () => {
  let redis: OwnRedis;
  let sys: System;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    sys = await startSystem({ env: { REDIS_URL: redis.url, SCREENING_RETRY_AFTER_MS: '2000' } });
  });
  afterAll(async () => {
    await sys.stop();
    await redis.down();
  });

  it('keeps accepting replies, reports Redis down, and shows them once Redis is back', async () => {
    const auth = `Bearer ${tokenFor(sys.config, 'reader', 'rosa', 'Rosa')}`;
    const before = await sys.http.post(`/articles/${A}/replies`).set('Authorization', auth).send({ body: 'before the outage' }).expect(202);
    await eventually(async () => expect(await threadIds(sys)).toContain(before.body.id));

    await redis.down();
    const during: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await sys.http.post(`/articles/${A}/replies`).set('Authorization', auth).timeout(5_000).send({ body: `during the outage ${i}` });
      expect(res.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(5_000);
      during.push(res.body.id);
    }
    const health = await sys.http.get('/health').timeout(5_000);
    expect(health.body.details.redis.status).toBe('degraded');
    expect(health.body.details.mongodb.status).toBe('up');
    // No lease while Redis is down: nothing is sequenced or projected yet.
    await new Promise((r) => setTimeout(r, 500));
    expect(await threadIds(sys)).not.toContain(during[0]);

    await redis.up();
    await eventually(async () => expect(await threadIds(sys)).toEqual(expect.arrayContaining(during)), 60_000);
    // Screened once Redis was back, each exactly once: none was published without its verdict.
    const store = sys.app.get<EventStore>(EVENT_STORE);
    for (const id of during) {
      const types = (await store.load(`reply-${id}`)).events.map((e) => e.event.type);
      expect(types).toEqual(['reply.submitted', 'reply.screened']);
    }
    const healthy = await sys.http.get('/health').expect(200);
    expect(healthy.body.details.redis.status).toBe('up');
  }, 120_000);
});

describe('while the store is down', () => {
  let store: OwnFerretDb;
  let sys: System;

  beforeAll(async () => {
    store = await OwnFerretDb.start();
    sys = await startSystem({ env: { MONGO_URL: `${store.url}/outage` } });
  });
  afterAll(async () => {
    await sys.stop();
    await store.remove();
  });

  it('answers 503 with Retry-After, reports MongoDB down, and serves again once it is back', async () => {
    const auth = `Bearer ${tokenFor(sys.config, 'reader')}`;
    await store.down();
    const refused = await sys.http.post(`/articles/${A}/replies`).set('Authorization', auth).timeout(15_000).send({ body: 'into the void' });
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBeDefined();
    const health = await sys.http.get('/health').timeout(15_000);
    expect(health.status).toBe(503);
    expect(health.body.details.mongodb.status).toBe('down');

    await store.up();
    const accepted = await eventually(async () => {
      const res = await sys.http.post(`/articles/${A}/replies`).set('Authorization', auth).send({ body: 'back again' });
      expect(res.status).toBe(202);
      return res;
    }, 30_000);
    await eventually(async () => expect(await threadIds(sys)).toEqual([accepted.body.id]), 30_000);
  });
});

describe('crashes', () => {
  let sys: System;
  beforeAll(async () => {
    // A marker waits this long for its commit after the sequencer first sees it (10 s elsewhere in the tests).
    sys = await startSystem({ env: { MARKER_GRACE_MS: '2000' } });
  });
  afterAll(() => sys.stop());

  /** A reply by a fresh reader, on the seed article, as its handler would build it. */
  const freshReply = async (replyId: string, body: string) => {
    const article = new Article().rehydrate((await sys.app.get<EventStore>(EVENT_STORE).load<ArticleEvent>(Article.streamId(A))).events.map((e) => e.event));
    const x = await sys.app.get(CommenterDirectory).enrol({ kind: 'reader', id: `x-${replyId}`, name: 'X' });
    const reply = Reply.submit({ replyId, article, author: { kind: 'reader', id: x, name: 'X' }, body }, new Date());
    return { reply, actor: { kind: 'reader' as const, id: x, name: '' } };
  };
  const storeWith = (beforeCommit: (commit: CommitDocument) => Promise<void>) =>
    new (class extends MongoEventStore {
      protected override beforeCommit(commit: CommitDocument) {
        return beforeCommit(commit);
      }
    })(sys.db, new UpcasterRegistry(), sys.app.get<LogWaker>(LOG_WAKER), sys.app.get(PersonalDataCipher));

  it('a writer that dies between its marker and its commit blocks nothing: past the grace its version is filled as abandoned, once', async () => {
    const { reply, actor } = await freshReply('dead00000000000000000001', 'never written');
    const dies = storeWith(async () => {
      throw new Error('process died');
    });
    const stream = Reply.streamId(reply.id);
    await expect(dies.append({ streamId: stream, version: 0, head: null }, reply.pullEvents(), { actor, correlationId: 'crash-test', causationId: null })).rejects.toThrow('process died');
    expect(await sys.db.collection('inbox').findOne({ _id: `${stream}:1` as never })).toMatchObject({ streamId: stream, version: 1, previous: null });

    const filler = await eventually(async () => {
      const c = await sys.db.collection('commits').findOne({ _id: `${stream}:1` as never });
      expect(c?.position).toEqual(expect.any(Number));
      return c!;
    });
    expect(filler.events).toEqual([{ type: 'append.abandoned', schemaVersion: 1, data: { commitId: `${stream}:1`, announcedAt: expect.any(String) } }]);
    expect(filler.metadata.actor).toMatchObject({ kind: 'system', id: 'sequencer' });
    // The marker goes after the position is recorded.
    await eventually(async () => expect(await sys.db.collection('inbox').countDocuments({ _id: `${stream}:1` as never })).toBe(0));
    // In the log exactly once; the stream is at version 1 with nothing in it, so there is no reply.
    const log = sys.app.get<LogReader>(LOG_READER);
    const seen: string[] = [];
    for (let after = 0, page = await log.readAfter(0, 500); page.length; after = page[page.length - 1].position, page = await log.readAfter(after, 500)) {
      seen.push(...page.filter((e) => e.streamId === stream).map((e) => e.commitId));
    }
    expect(seen).toEqual([`${stream}:1`]);
    await sys.http.get(`/replies/${reply.id}`).set('Authorization', `Bearer ${tokenFor(sys.config, 'moderator')}`).expect(404);
    expect(await threadIds(sys)).not.toContain(reply.id);
  });

  it('a writer paused past the grace between its marker and its commit fails loudly with a conflict; nothing is half-written', async () => {
    const { reply, actor } = await freshReply('dead00000000000000000002', 'too late');
    const stream = Reply.streamId(reply.id);
    // Resumes only once the sequencer has given its version up.
    const paused = storeWith(async (commit) => {
      await eventually(async () => expect((await sys.db.collection('commits').findOne({ _id: commit._id as never }))?.events[0].type).toBe('append.abandoned'));
    });
    await expect(paused.append({ streamId: stream, version: 0, head: null }, reply.pullEvents(), { actor, correlationId: 'pause-test', causationId: null })).rejects.toBeInstanceOf(StreamConflictError);
    const commits = await sys.db.collection('commits').find({ streamId: stream }).toArray();
    expect(commits.map((c) => c.events.map((e: { type: string }) => e.type))).toEqual([['append.abandoned']]);
    expect(await threadIds(sys)).not.toContain(reply.id);
  });

  it('a writer paused within the grace: its commit is taken when it comes, after what was sequenced meanwhile', async () => {
    const { reply, actor } = await freshReply('dead00000000000000000003', 'slow but in time');
    const other = await freshReply('dead00000000000000000004', 'quick');
    const stream = Reply.streamId(reply.id);
    const store = sys.app.get<EventStore>(EVENT_STORE);
    let release!: () => void;
    const resumed = new Promise<void>((r) => (release = r));
    const slow = storeWith(() => resumed);
    const slowAppend = slow.append({ streamId: stream, version: 0, head: null }, reply.pullEvents(), { actor, correlationId: 'slow', causationId: null });
    await eventually(async () => expect(await sys.db.collection('inbox').countDocuments({ _id: `${stream}:1` as never })).toBe(1));
    await store.append({ streamId: Reply.streamId(other.reply.id), version: 0, head: null }, other.reply.pullEvents(), { actor: other.actor, correlationId: 'quick', causationId: null });
    await eventually(async () => expect(await threadIds(sys)).toContain(other.reply.id));
    release();
    await slowAppend;
    await eventually(async () => expect(await threadIds(sys)).toContain(reply.id));
    const [slowCommit, quickCommit] = await Promise.all([`${stream}:1`, `${Reply.streamId(other.reply.id)}:1`].map((id) => sys.db.collection('commits').findOne({ _id: id as never })));
    expect(slowCommit?.events[0].type).toBe('reply.submitted');
    expect(slowCommit!.position).toBeGreaterThan(quickCommit!.position);
  });

  /** What a writer that died right after its marker leaves behind, its grace already over. */
  const deadWriterMarker = (streamId: string) =>
    sys.db.collection('inbox').insertOne({ _id: `${streamId}:1` as never, recordedAt: new Date(Date.now() - 60_000), streamId, version: 1, previous: null });
  const fillerOf = (streamId: string) =>
    eventually(async () => expect((await sys.db.collection('commits').findOne({ _id: `${streamId}:1` as never }))?.position).toEqual(expect.any(Number)));

  it('a retry with the same Idempotency-Key after the first try was abandoned stores the reply after the filled version, once', async () => {
    const key = `retry-${randomBytes(8).toString('hex')}`;
    const replyId = idempotentReplyId(sys.config.HASH_KEY, A, 'reader', 'retrier', key);
    await deadWriterMarker(`reply-${replyId}`);
    await fillerOf(`reply-${replyId}`);
    const reader = `Bearer ${tokenFor(sys.config, 'reader', 'retrier')}`;
    const send = () => sys.http.post(`/articles/${A}/replies`).set('Authorization', reader).set('Idempotency-Key', key).send({ body: 'second time lucky' });
    expect((await send().expect(202)).body).toMatchObject({ id: replyId, status: 'checking' });
    expect((await send().expect(202)).body).toMatchObject({ id: replyId });
    const commits = await sys.db.collection('commits').find({ streamId: `reply-${replyId}` }).sort({ version: 1 }).toArray();
    expect(commits.map((c) => [c.version, c.events[0].type])).toEqual([
      [1, 'append.abandoned'],
      [2, 'reply.submitted'],
      ...commits.slice(2).map((c) => [c.version, 'reply.screened']),
    ]);
    await eventually(async () => expect(await threadIds(sys)).toContain(replyId));
  });

  it('an article whose first publication was abandoned can be published, after the filled version', async () => {
    const id = `phoenix-${randomBytes(3).toString('hex')}`;
    await deadWriterMarker(`article-${id}`);
    await fillerOf(`article-${id}`);
    const admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
    await sys.http.post('/articles').set('Authorization', admin).send({ id, title: 'Phoenix', author: 'E', category: 'News', body: ['p'] }).expect(202);
    await sys.http.post('/articles').set('Authorization', admin).send({ id, title: 'Phoenix', author: 'E', category: 'News', body: ['p'] }).expect(409);
    await eventually(async () => (await sys.http.get(`/articles/${id}`).expect(200)).body);
    const reply = await sys.http.post(`/articles/${id}/replies`).set('Authorization', `Bearer ${tokenFor(sys.config, 'reader')}`).send({ body: 'first!' }).expect(202);
    await eventually(async () => expect(await threadIds(sys, id)).toContain(reply.body.id));
  });

  it('a projector killed between writing documents and saving its checkpoint doubles nothing', async () => {
    const admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
    await sys.http.post('/articles').set('Authorization', admin).send({ id: 'crashy', title: 'Crashy', author: 'E', category: 'News', body: ['p'] }).expect(202);
    await eventually(async () => (await sys.http.get('/articles/crashy').expect(200)).body);

    const runners = sys.worker!.consumers.map((c) => c.handler).filter((h): h is ProjectionRunner => h instanceof ProjectionRunner);
    let killed = 0;
    for (const runner of runners) {
      runner.afterWrite = async () => {
        runner.afterWrite = null;
        killed += 1;
        throw new Error('killed after writing, before the checkpoint');
      };
    }
    const auth = `Bearer ${tokenFor(sys.config, 'reader')}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await sys.http.post('/articles/crashy/replies').set('Authorization', auth).send({ body: `r${i}` }).expect(202)).body.id);
    }
    const child = (await sys.http.post('/articles/crashy/replies').set('Authorization', auth).send({ body: 'nested', parentId: ids[0] }).expect(202)).body.id;

    /** The thread places replies as their verdicts publish them: the log order of the verdicts. */
    const placementOrder = async () =>
      (await sys.db.collection('commits').find({ streamId: { $in: ids.map((id) => `reply-${id}`) }, 'events.type': 'reply.screened' }).sort({ position: 1 }).toArray()).map((c) =>
        String(c.streamId).slice('reply-'.length),
      );
    await eventually(async () => {
      const article = (await sys.http.get('/articles/crashy').expect(200)).body;
      expect(article.stats).toMatchObject({ replies: 6, submitted: 6 });
      const placed = await placementOrder();
      expect([...placed].sort()).toEqual([...ids].sort());
      const items = (await sys.http.get('/articles/crashy/replies?sort=oldest').expect(200)).body.items;
      expect(items.map((i: { id: string }) => i.id)).toEqual(placed);
      const first = items.find((i: { id: string }) => i.id === ids[0]);
      expect(first.replies.map((r: { id: string }) => r.id)).toEqual([child]);
      expect(first.replyCount).toBe(1);
    });
    expect(killed).toBe(runners.length);
    // Give a replay the time to double anything, then look again.
    await new Promise((r) => setTimeout(r, 500));
    const article = (await sys.http.get('/articles/crashy').expect(200)).body;
    expect(article.stats).toMatchObject({ replies: 6, submitted: 6 });
    const detail = (await sys.http.get(`/replies/${ids[0]}`).set('Authorization', admin).expect(200)).body;
    // Its submission and its verdict, each once.
    expect(detail.history.map((h: { type: string }) => h.type)).toEqual(['reply.submitted', 'reply.screened']);
  });
});
