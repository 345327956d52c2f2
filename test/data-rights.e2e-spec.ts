import { Article, ArticleEvent, Commenter, CommenterEvent, Reply, ReplyEvent } from '@app/domain';
import {
  commitId,
  DATA_KEYS,
  DataKeys,
  EVENT_STORE,
  EventStore,
  LOG_READER,
  LOG_WAKER,
  LogReader,
  LogWaker,
  MongoEventStore,
  MongoLogReader,
  PersonalDataCipher,
  UpcasterRegistry,
} from '@app/event-store';
import { liveProjections, liveViewNames, verifyViews } from '@app/read-models';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { eventually, SEED_ARTICLE_ID, startSystem, System, TEST_REDIS_URL, tokenFor } from './support/system';

const A = SEED_ARTICLE_ID;
const B = 'second-article-for-erasure';
const unique = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;
/** Screening's verdicts come between the author's events, in an order the test does not fix. */
const notVerdict = (type: string) => type !== 'reply.screened';

let sys: System;
const logs: string[] = [];
let admin: string;
let moderator: string;

beforeAll(async () => {
  // A writer paused between its marker and its commit (below) is waited for this long.
  sys = await startSystem({ logs, env: { MARKER_GRACE_MS: '20000' } });
  admin = `Bearer ${tokenFor(sys.config, 'admin', 'admin-1', 'Ada Admin')}`;
  moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'mod-1', 'Mo Moderator')}`;
  await sys.http.post('/articles').set('Authorization', admin).send({ id: B, title: 'Second', author: 'Ed', category: 'News', body: ['p'] }).expect(202);
});
afterAll(() => sys.stop());

const thread = async (articleId: string) => (await sys.http.get(`/articles/${articleId}/replies?limit=100`).expect(200)).body;
const itemOf = async (articleId: string, id: string) => (await thread(articleId)).items.find((i: { id: string }) => i.id === id);
const reader = (sub: string, name: string) => `Bearer ${tokenFor(sys.config, 'reader', sub, name)}`;

const spamTotals = () => sys.db.collection<{ _id: string; spam: number; ham: number }>('spam_model_totals__v1').findOne({ _id: 'totals' });

async function submit(articleId: string, auth: string | null, body: string, extra: Record<string, unknown> = {}, userAgent?: string) {
  const req = sys.http.post(`/articles/${articleId}/replies`);
  if (auth) req.set('Authorization', auth);
  if (userAgent) req.set('User-Agent', userAgent);
  return (await req.send({ body, ...extra }).expect(202)).body as { id: string; editToken?: string };
}

/** Every document of every collection, and every Redis value under this system's prefix, as text. */
async function everythingStored(): Promise<string> {
  const parts: string[] = [];
  for (const { name } of await sys.db.listCollections().toArray()) {
    for (const doc of await sys.db.collection(name).find({}).toArray()) parts.push(`${name} ${JSON.stringify(doc)}`);
  }
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${sys.config.QUEUE_PREFIX}:*`, 'COUNT', 500);
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string' ? await redis.get(key)
          : type === 'hash' ? await redis.hgetall(key)
          : type === 'list' ? await redis.lrange(key, 0, -1)
          : type === 'set' ? await redis.smembers(key)
          : type === 'zset' ? await redis.zrange(key, '0', '-1')
          : type === 'stream' ? await redis.xrange(key, '-', '+')
          : null;
        parts.push(`${key} ${JSON.stringify(value)}`);
      }
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return parts.join('\n');
}

/** The inbox empty and every consumer (the commenter ledger too) at the head of the log. */
async function settled(): Promise<void> {
  const log = sys.app.get<LogReader>(LOG_READER);
  await eventually(async () => {
    expect(await sys.db.collection('inbox').countDocuments()).toBe(0);
    const head = await log.head();
    const checkpoints = await sys.db.collection<{ _id: string; position: number }>('checkpoints').find({}).toArray();
    expect(checkpoints.map((c) => c._id)).toContain('commenter-ledger@1');
    for (const c of checkpoints) expect([c._id, c.position]).toEqual([c._id, head]);
  }, 30_000);
}

describe('a reader exports and erases their data', () => {
  const sub = unique('alice-sub');
  const name = unique('Alice Quill');
  const first = unique('alice first words');
  const edited = unique('alice edited words');
  const second = unique('alice on the second article');
  const bobSays = unique('bob answers alice');
  let alice: string;
  let bob: string;
  let onA: { id: string };
  let onB: { id: string };
  let bobReply: { id: string };
  let commenterId: string;
  let statsBefore: { replies: number };

  beforeAll(async () => {
    alice = reader(sub, name);
    bob = reader(unique('bob'), 'Bob');
    onA = await submit(A, alice, first);
    onB = await submit(B, alice, second);
    bobReply = await submit(A, bob, bobSays, { parentId: onA.id });
    await sys.http.patch(`/replies/${onA.id}`).set('Authorization', alice).send({ body: edited }).expect(200);
    await eventually(async () => expect((await itemOf(A, onA.id))?.body).toBe(edited));
    await eventually(async () => expect(await itemOf(B, onB.id)).toBeDefined());
    // A moderator marks one of hers as spam: the spam model learns from her words.
    const seen = await sys.http.get(`/replies/${onB.id}`).set('Authorization', moderator).expect(200);
    await sys.http.post(`/moderation/replies/${onB.id}/spam`).set('Authorization', moderator).set('If-Match', seen.headers.etag).send({}).expect(200);
    await eventually(async () => expect(await spamTotals()).toMatchObject({ spam: 1 }));
    commenterId = (await sys.http.get(`/admin/commenters?sub=${encodeURIComponent(sub)}`).set('Authorization', admin).expect(200)).body.commenterId;
    await settled();
    statsBefore = (await sys.http.get(`/articles/${A}`).expect(200)).body.stats;
  });

  it('keeps the text, the name and the sub out of every event in plain', async () => {
    const commits = await sys.db.collection('commits').find({ streamId: { $in: [Reply.streamId(onA.id), Reply.streamId(onB.id)] } }).toArray();
    // Two submissions and an edit carry their text, sealed; verdicts carry none of it.
    const typed = commits.filter((c) => c.events.some((e: { sealed?: unknown }) => e.sealed));
    expect(typed.map((c) => c.events[0].type).sort()).toEqual(['reply.edited', 'reply.submitted', 'reply.submitted']);
    const stored = JSON.stringify(commits);
    for (const secret of [first, edited, second, name, sub]) expect(stored).not.toContain(secret);
    expect(typed[0].events[0].sealed).toMatchObject({ by: commenterId, fields: expect.any(Array) });
    // The store gives them back whole.
    const { events } = await sys.app.get<EventStore>(EVENT_STORE).load<ReplyEvent>(Reply.streamId(onA.id));
    expect(events.filter((e) => notVerdict(e.event.type)).map((e) => e.event.data)).toMatchObject([{ body: first, author: { id: commenterId, name } }, { body: edited, previousBody: first }]);
  });

  it('exports exactly what they wrote, with every version and status', async () => {
    const res = await sys.http.get('/me/data').set('Authorization', alice).expect(200);
    expect(res.headers['content-disposition']).toContain('attachment');
    expect(res.body.commenterId).toBe(commenterId);
    const byId = new Map(res.body.replies.map((r: { id: string }) => [r.id, r]));
    expect([...byId.keys()].sort()).toEqual([onA.id, onB.id].sort());
    expect(byId.get(onA.id)).toMatchObject({
      articleId: A,
      authorName: name,
      status: 'published',
      versions: [{ version: 1, body: first }, { body: edited }],
      history: expect.arrayContaining([
        { version: 1, type: 'reply.submitted', at: expect.any(String), status: 'checking', by: { kind: 'reader' } },
        expect.objectContaining({ type: 'reply.screened', decision: 'publish', by: { kind: 'system', rule: 'screening' } }),
        expect.objectContaining({ type: 'reply.edited', by: { kind: 'reader' } }),
      ]),
    });
    expect(byId.get(onB.id)).toMatchObject({ articleId: B, versions: [{ body: second }] });
    expect(JSON.stringify(res.body)).not.toContain(bobSays);
    // An admin answering the request on their behalf gets the same list.
    const byAdmin = await sys.http.get(`/admin/commenters/${commenterId}/data`).set('Authorization', admin).expect(200);
    expect(byAdmin.body.replies.map((r: { id: string }) => r.id).sort()).toEqual([onA.id, onB.id].sort());
  });

  it('erases them: removed in every view, replies to them in place, no plaintext anywhere, a rebuild equal', async () => {
    const res = await sys.http.delete('/me').set('Authorization', alice).expect(202);
    expect(res.body.erased).toEqual([{ commenterId, erasedAt: expect.any(String) }]);
    await eventually(async () => {
      const item = await itemOf(A, onA.id);
      expect(item).toMatchObject({ status: 'removed', body: '', author: { name: '[removed]' }, replies: [{ id: bobReply.id, body: bobSays }] });
      expect(await itemOf(B, onB.id)).toBeUndefined();
    });
    await eventually(async () => {
      const stats = (await sys.http.get(`/articles/${A}`).expect(200)).body.stats;
      expect(stats).toMatchObject({ replies: statsBefore.replies - 1, removed: 1 });
    });
    const staffView = await sys.http.get(`/replies/${onA.id}`).set('Authorization', moderator).expect(200);
    expect(staffView.body).toMatchObject({ status: 'removed', body: '', author: { name: '[removed]' } });
    expect(staffView.body.history.map((h: { type: string }) => h.type).filter(notVerdict)).toEqual(['reply.submitted', 'reply.edited', 'reply.erased']);
    await settled();
    const stored = await everythingStored();
    for (const secret of [first, edited, second, name]) expect(stored).not.toContain(secret);
    expect(stored).toContain(bobSays);
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [first, edited, second, name, sub]) expect(logs.join('\n')).not.toContain(secret);
    // The key is gone for good, and the log still reads: erased fields come back empty.
    expect(await sys.app.get<DataKeys>(DATA_KEYS).get(commenterId)).toBeNull();
    const { events } = await sys.app.get<EventStore>(EVENT_STORE).load<ReplyEvent>(Reply.streamId(onA.id));
    expect(events.map((e) => e.event.type).filter(notVerdict)).toEqual(['reply.submitted', 'reply.edited', 'reply.erased']);
    expect(events[0].event.data).toMatchObject({ body: '', author: { id: commenterId, name: '' } });
    // What the spam model learned from her is taken back.
    expect(await spamTotals()).toMatchObject({ spam: 0, ham: 0 });
    expect(await sys.db.collection('spam_model_tokens__v1').countDocuments({ $or: [{ spam: { $ne: 0 } }, { ham: { $ne: 0 } }] })).toBe(0);
    const report = await verifyViews(sys.db, sys.app.get<LogReader>(LOG_READER), liveProjections(), liveViewNames());
    expect(report.differences).toEqual([]);
    expect(report.documents).toBeGreaterThan(0);
  });

  it('upcasts erased events like any other', async () => {
    const upcasters = new UpcasterRegistry([{ type: 'reply.submitted', fromVersion: 1, upcast: (d) => ({ ...(d as object), language: 'und' }) }]);
    const log = await new MongoLogReader(sys.db, upcasters, sys.app.get(PersonalDataCipher)).readAfter(0, 100_000);
    const submission = (id: string) => log.flatMap((e) => e.events).find((e) => e.type === 'reply.submitted' && (e.data as { replyId: string }).replyId === id)!;
    expect(submission(onA.id)).toMatchObject({ schemaVersion: 2, data: { body: '', language: 'und' } });
    expect(submission(bobReply.id)).toMatchObject({ schemaVersion: 2, data: { body: bobSays, language: 'und' } });
  });

  it('lets them come back as a new commenter, with none of the old replies', async () => {
    const again = await submit(A, alice, unique('alice is back'));
    const newId = (await sys.http.get(`/admin/commenters?sub=${encodeURIComponent(sub)}`).set('Authorization', admin).expect(200)).body.commenterId;
    expect(newId).not.toBe(commenterId);
    await eventually(async () => expect(await itemOf(A, again.id)).toMatchObject({ author: { name }, status: 'published' }));
    await eventually(async () => {
      const mine = await sys.http.get('/me/data').set('Authorization', alice).expect(200);
      expect(mine.body.replies.map((r: { id: string }) => r.id)).toEqual([again.id]);
    });
    // The old reply stays theirs no more: they cannot edit it, and coming back brought no key back.
    await sys.http.patch(`/replies/${onA.id}`).set('Authorization', alice).send({ body: 'revived?' }).expect(403);
    expect(await sys.app.get<DataKeys>(DATA_KEYS).get(commenterId)).toBeNull();
    const old = await sys.app.get<EventStore>(EVENT_STORE).load<ReplyEvent>(Reply.streamId(onA.id));
    expect(old.events[0].event.data).toMatchObject({ body: '', author: { id: commenterId, name: '' } });
    // A second erasure of the old commenter finds it done; erasing twice records it once.
    await sys.http.post(`/admin/commenters/${commenterId}/erasure`).set('Authorization', admin).send({ reason: 'duplicate request #1' }).expect(202);
    const { events } = await sys.app.get<EventStore>(EVENT_STORE).load<CommenterEvent>(Commenter.streamId(commenterId));
    expect(events).toHaveLength(1);
  });
});

describe('guests and admins', () => {
  it('a guest exports and erases with their edit tokens; an email alone proves nothing', async () => {
    const email = `${unique('gus')}@example.org`;
    const gusName = unique('Gus Guest');
    const words = [unique('gus one'), unique('gus two')];
    const agent = unique('GusBrowser/1.0');
    const one = await submit(A, null, words[0], { author: { name: gusName, email } }, agent);
    const two = await sys.http.post(`/articles/${B}/replies`).set('User-Agent', agent).send({ body: words[1], author: { name: gusName, email } }).expect(202).then((r) => r.body);
    // The network data kept for the spam checks, until it expires or the guest is erased.
    const redis = new Redis(TEST_REDIS_URL);
    const networkKey = (id: string) => `${sys.config.QUEUE_PREFIX}:network:reply-${id}:1`;
    expect(await redis.hget(networkKey(one.id), 'userAgent')).toBe(agent);
    const tokens = `${one.id}:${one.editToken}, ${two.id}:${two.editToken}`;
    const mine = await sys.http.get('/me/data').set('X-Edit-Tokens', tokens).expect(200);
    expect(mine.body.replies.map((r: { versions: { body: string }[] }) => r.versions[0].body).sort()).toEqual([...words].sort());
    const onlyOne = await sys.http.get('/me/data').set('X-Edit-Tokens', `${one.id}:${one.editToken}`).expect(200);
    expect(onlyOne.body.replies.map((r: { id: string }) => r.id)).toEqual([one.id]);
    await sys.http.get('/me/data').set('X-Edit-Tokens', `${one.id}:${two.editToken}`).expect(403);
    await sys.http.get('/me/data').expect(401);
    await eventually(async () => expect(await itemOf(B, two.id)).toBeDefined());
    // One commenter per email, and nobody verifies emails: erasing it takes every reply's token.
    await settled();
    const partial = await sys.http.delete('/me').set('X-Edit-Tokens', `${one.id}:${one.editToken}`).expect(403);
    expect(partial.body.detail).toMatch(/every reply/);
    await sys.http.delete('/me').set('X-Edit-Tokens', tokens).expect(202);
    await eventually(async () => {
      expect(await itemOf(A, one.id)).toBeUndefined();
      expect(await itemOf(B, two.id)).toBeUndefined();
    });
    await settled();
    expect(await redis.exists(networkKey(one.id), networkKey(two.id))).toBe(0);
    redis.disconnect();
    const stored = await everythingStored();
    for (const secret of [...words, gusName, email, email.toLowerCase(), agent]) expect(stored).not.toContain(secret);
  });

  it('an admin finds a commenter by email and erases them for a legal request, with the reason on record', async () => {
    const email = `${unique('carol')}@example.org`;
    const reply = await submit(A, null, unique('carol says'), { author: { name: 'Carol', email } });
    const found = await sys.http.get(`/admin/commenters?email=${encodeURIComponent(email.toUpperCase())}`).set('Authorization', admin).expect(200);
    const res = await sys.http.post(`/admin/commenters/${found.body.commenterId}/erasure`).set('Authorization', admin).send({ reason: 'Legal request #4711' }).expect(202);
    expect(res.body).toEqual({ commenterId: found.body.commenterId, erasedAt: expect.any(String) });
    const { events } = await sys.app.get<EventStore>(EVENT_STORE).load<CommenterEvent>(Commenter.streamId(found.body.commenterId));
    expect(events).toHaveLength(1);
    expect(events[0].event.data).toMatchObject({ requestedBy: 'admin', reason: 'Legal request #4711' });
    expect(events[0].metadata.actor).toMatchObject({ kind: 'admin', id: 'admin-1' });
    await eventually(async () => {
      const detail = await sys.http.get(`/replies/${reply.id}`).set('Authorization', moderator).expect(200);
      expect(detail.body).toMatchObject({ status: 'removed', body: '' });
    });
    await sys.http.get(`/admin/commenters?email=${encodeURIComponent(email)}`).set('Authorization', admin).expect(404);
  });
});

describe('someone else\'s email', () => {
  it('one reply written under a victim\'s email gives no power to erase them', async () => {
    const email = `${unique('vic')}@example.org`;
    const victim = await submit(A, null, unique('victim words'), { author: { name: 'Vic', email } });
    const attacker = await submit(A, null, 'posing as vic', { author: { name: 'Vic', email } });
    await settled();
    await sys.http.delete('/me').set('X-Edit-Tokens', `${attacker.id}:${attacker.editToken}`).expect(403);
    // A repeated reply id with a wrong token among right ones refuses the request too.
    await sys.http.delete('/me').set('X-Edit-Tokens', `${attacker.id}:${victim.editToken}, ${attacker.id}:${attacker.editToken}`).expect(403);
    await sys.http.get('/me/data').set('X-Edit-Tokens', `${victim.id}:${attacker.editToken}`).expect(403);
    // Still the victim's, and published once screened (settled() does not wait for the spam job).
    await eventually(async () => expect((await sys.http.get(`/replies/${victim.id}`).expect(200)).body.status).toBe('published'));
    // What the attacker can see is their own reply, never the victim's.
    const theirs = await sys.http.get('/me/data').set('X-Edit-Tokens', `${attacker.id}:${attacker.editToken}`).expect(200);
    expect(theirs.body.replies.map((r: { id: string }) => r.id)).toEqual([attacker.id]);
  });
});

describe('erasures under faults', () => {
  it('a crash right after the erasure was recorded: the ledger destroys the key and removes the replies', async () => {
    const dave = reader(unique('dave'), unique('Dave Dies'));
    const words = unique('dave words');
    const reply = await submit(A, dave, words);
    const store = sys.app.get<EventStore>(EVENT_STORE);
    const submitted = (await store.load<ReplyEvent>(Reply.streamId(reply.id))).events[0].event;
    if (submitted.type !== 'reply.submitted') throw new Error('a reply stream starts with its submission');
    const id = submitted.data.author.id;
    // What DELETE /me leaves when the process dies after the append, before the key goes.
    const commenter = Commenter.of(id);
    commenter.erase({ requestedBy: 'commenter' }, new Date());
    await store.append({ streamId: Commenter.streamId(id), version: 0, head: null }, commenter.pullEvents(), { actor: { kind: 'reader', id, name: '' }, correlationId: 'crash', causationId: null });
    await eventually(async () => {
      expect(await sys.app.get<DataKeys>(DATA_KEYS).get(id)).toBeNull();
      const detail = await sys.http.get(`/replies/${reply.id}`).set('Authorization', moderator).expect(200);
      expect(detail.body).toMatchObject({ status: 'removed', body: '' });
    });
    await settled();
    expect(await everythingStored()).not.toContain(words);
  });

  it('a reply written just before the key went, sequenced after the erasure, is erased when it comes', async () => {
    const erinSub = unique('erin');
    const erin = reader(erinSub, unique('Erin Late'));
    const lateWords = unique('erin late words');
    await submit(A, erin, unique('erin first'));
    const store = sys.app.get<EventStore>(EVENT_STORE);
    /** A writer paused between its marker and its commit (its text sealed while the key was there). */
    let release!: () => void;
    const resumed = new Promise<void>((r) => (release = r));
    const lateStore = new (class extends MongoEventStore {
      protected override beforeCommit() {
        return resumed;
      }
    })(sys.db, new UpcasterRegistry(), sys.app.get<LogWaker>(LOG_WAKER), sys.app.get(PersonalDataCipher));
    const erinId = (await sys.http.get(`/admin/commenters?sub=${encodeURIComponent(erinSub)}`).set('Authorization', admin).expect(200)).body.commenterId;
    const article = new Article().rehydrate((await store.load<ArticleEvent>(Article.streamId(A))).events.map((e) => e.event));
    const late = Reply.submit({ replyId: randomBytes(12).toString('hex'), article, author: { kind: 'reader', id: erinId, name: 'Erin Late' }, body: lateWords }, new Date());
    // Its marker waits for it while the erasure is sequenced: the order a slow writer gets.
    const dependsOn = [commitId(Article.streamId(A), 1), commitId(Commenter.streamId(erinId), 1)];
    const lateAppend = lateStore.append({ streamId: Reply.streamId(late.id), version: 0, head: null }, late.pullEvents(), { actor: { kind: 'reader', id: erinId, name: '' }, correlationId: 'late', causationId: null }, { dependsOn });
    await sys.http.delete('/me').set('Authorization', erin).expect(202);
    await eventually(async () => {
      const erasure = await sys.db.collection('commits').findOne({ streamId: Commenter.streamId(erinId), 'events.type': 'commenter.erased' });
      expect(erasure?.position).toEqual(expect.any(Number));
    });
    release();
    await lateAppend;
    await eventually(async () => {
      const events = (await store.load<ReplyEvent>(Reply.streamId(late.id))).events.map((e) => e.event.type);
      expect(events.filter(notVerdict)).toEqual(['reply.submitted', 'reply.erased']);
    }, 30_000);
    const positions = await sys.db.collection<{ _id: string; position?: number }>('commits').find({ _id: { $in: [commitId(Reply.streamId(late.id), 1), commitId(Commenter.streamId(erinId), 1)] } }).toArray();
    const at = new Map(positions.map((c) => [c._id, c.position!]));
    expect(at.get(commitId(Reply.streamId(late.id), 1))).toBeGreaterThan(at.get(commitId(Commenter.streamId(erinId), 1))!);
    await eventually(async () => {
      const detail = await sys.http.get(`/replies/${late.id}`).set('Authorization', moderator).expect(200);
      expect(detail.body).toMatchObject({ status: 'removed', body: '' });
    });
    await settled();
    expect(await everythingStored()).not.toContain(lateWords);
    const report = await verifyViews(sys.db, sys.app.get<LogReader>(LOG_READER), liveProjections(), liveViewNames());
    expect(report.differences).toEqual([]);
  });
});

describe('who may, and bad input', () => {
  const someone = '00000000-0000-4000-8000-000000000000';

  it.each([
    ['GET', '/admin/commenters?sub=x'],
    ['GET', `/admin/commenters/${someone}/data`],
    ['POST', `/admin/commenters/${someone}/erasure`],
  ])('%s %s: 401 without a token, 403 for readers and moderators', async (method, path) => {
    const call = (auth?: string) => {
      const req = method === 'GET' ? sys.http.get(path) : sys.http.post(path).send({ reason: 'request #1' });
      return auth ? req.set('Authorization', auth) : req;
    };
    await call().expect(401);
    await call(reader('rita', 'Rita')).expect(403);
    await call(moderator).expect(403);
    const asAdmin = await call(admin);
    expect([200, 404]).toContain(asAdmin.status);
  });

  it('/me answers signed-in people of every role, and guests only with tokens', async () => {
    await sys.http.get('/me/data').expect(401);
    await sys.http.delete('/me').expect(401);
    for (const auth of [reader(unique('nobody'), 'N'), moderator, admin]) {
      const res = await sys.http.get('/me/data').set('Authorization', auth).expect(200);
      expect(res.body).toMatchObject({ commenterId: null, replies: [] });
      await sys.http.delete('/me').set('Authorization', auth).expect(404);
    }
  });

  it('refuses bad input with a clear problem and stores nothing', async () => {
    const before = await sys.db.collection('commits').countDocuments();
    const cases: [string, () => Promise<{ status: number; body: { detail?: string } }>][] = [
      ['malformed tokens', () => sys.http.get('/me/data').set('X-Edit-Tokens', 'not-a-pair')],
      ['operator in tokens', () => sys.http.delete('/me').set('X-Edit-Tokens', '{"$ne":null}')],
      ['too many tokens', () => sys.http.get('/me/data').set('X-Edit-Tokens', Array.from({ length: 101 }, (_, i) => `${String(i).padStart(24, 'a')}:${'t'.repeat(43)}`).join(','))],
      ['tokens with a signed-in reader', () => sys.http.get('/me/data').set('Authorization', admin).set('X-Edit-Tokens', `${'a'.repeat(24)}:${'t'.repeat(43)}`)],
      ['not a commenter id', () => sys.http.get('/admin/commenters/alice/data').set('Authorization', admin)],
      ['no reason', () => sys.http.post(`/admin/commenters/${someone}/erasure`).set('Authorization', admin).send({})],
      ['reason as an array', () => sys.http.post(`/admin/commenters/${someone}/erasure`).set('Authorization', admin).send({ reason: ['a'] })],
      ['invisible reason', () => sys.http.post(`/admin/commenters/${someone}/erasure`).set('Authorization', admin).send({ reason: '\u200b\u200b' })],
      ['huge reason', () => sys.http.post(`/admin/commenters/${someone}/erasure`).set('Authorization', admin).send({ reason: 'x'.repeat(501) })],
      ['unknown field', () => sys.http.post(`/admin/commenters/${someone}/erasure`).set('Authorization', admin).send({ reason: 'ok', commenterId: 'other' })],
      ['two ways to find', () => sys.http.get('/admin/commenters?sub=a&email=a@example.org').set('Authorization', admin)],
      ['nothing to find by', () => sys.http.get('/admin/commenters').set('Authorization', admin)],
      ['not an email', () => sys.http.get('/admin/commenters?email=nope').set('Authorization', admin)],
      ['array for sub', () => sys.http.get('/admin/commenters?sub=a&sub=b').set('Authorization', admin)],
    ];
    for (const [label, call] of cases) {
      const res = await call();
      expect([label, res.status]).toEqual([label, 400]);
    }
    await sys.http.post(`/admin/commenters/${someone}/erasure`).set('Authorization', admin).send({ reason: 'request #2' }).expect(404);
    expect(await sys.db.collection('commits').countDocuments()).toBe(before);
  });
});
