import { randomBytes } from 'node:crypto';
import { eventually, SEED_ARTICLE_ID, startSystem, System, tokenFor, verdictOn } from './support/system';

const A = SEED_ARTICLE_ID;
const unique = (label: string) => `${label} ${randomBytes(4).toString('hex')}`;

let sys: System;
let admin: string;
let moderator: string;

beforeAll(async () => {
  sys = await startSystem();
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
  moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'mod-r', 'Mo')}`;
});
afterAll(() => sys.stop());

const reader = (sub = `r-${randomBytes(4).toString('hex')}`) => `Bearer ${tokenFor(sys.config, 'reader', sub, sub)}`;

async function article(settings: Record<string, unknown> = {}): Promise<string> {
  const id = `reacted-${randomBytes(4).toString('hex')}`;
  await sys.http.post('/articles').set('Authorization', admin).send({ id, title: 'Reacted', author: 'E', category: 'News', body: ['p'], settings }).expect(202);
  return id;
}

/** A reply by a reader of its own, published (its verdict in). */
async function published(articleId = A, parentId?: string): Promise<string> {
  const res = await sys.http.post(`/articles/${articleId}/replies`).set('Authorization', reader()).send({ body: unique('Worth a reaction.'), ...(parentId ? { parentId } : {}) }).expect(202);
  expect((await verdictOn(sys, res.body.id)).status).toBe('published');
  return res.body.id;
}

const react = (id: string, type: string, auth: string | null) => {
  const req = sys.http.put(`/replies/${id}/reactions/${type}`);
  if (auth) req.set('Authorization', auth);
  return req;
};
const unreact = (id: string, type: string, auth: string | null) => {
  const req = sys.http.delete(`/replies/${id}/reactions/${type}`);
  if (auth) req.set('Authorization', auth);
  return req;
};

const reactionsOn = async (id: string) => (await sys.http.get(`/replies/${id}`).expect(200)).body.reactions;
/** The reply's counts as GET /replies/:id shows them, once they are `expected`. */
const countsBecome = (id: string, expected: Record<string, number>) => eventually(async () => expect(await reactionsOn(id)).toEqual({ like: 0, insightful: 0, funny: 0, ...expected }));
const reactionCommits = (id: string) => sys.db.collection('commits').find({ streamId: { $regex: `^reaction-${id}-` } }).toArray();
const threadItem = async (articleId: string, id: string, sort = 'newest') =>
  ((await sys.http.get(`/articles/${articleId}/replies?sort=${sort}&limit=100`).expect(200)).body.items as { id: string }[]).find((i) => i.id === id);

describe('readers react to replies', () => {
  it('react, react again (200, nothing recorded), take back; counts in the detail and the thread, the reply\'s ETag untouched', async () => {
    const articleId = await article();
    const root = await published(articleId);
    const child = await published(articleId, root);
    const before = await sys.http.get(`/replies/${root}`).expect(200);
    const bob = reader();
    const eve = reader();
    expect((await react(root, 'like', bob).expect(201)).body).toEqual({ replyId: root, type: 'like', reacted: true });
    await react(root, 'like', bob).expect(200);
    await react(root, 'funny', bob).expect(201);
    await react(root, 'like', eve).expect(201);
    await react(child, 'insightful', eve).expect(201);
    await countsBecome(root, { like: 2, funny: 1 });
    await countsBecome(child, { insightful: 1 });
    expect((await reactionCommits(root)).flatMap((c) => c.events.map((e: { type: string }) => e.type))).toEqual(['reply.reacted', 'reply.reacted', 'reply.reacted']);
    // The thread: the summary, and the child in its parent's preview.
    await eventually(async () => {
      const item = (await threadItem(articleId, root)) as unknown as { reactions: object; replies: { id: string; reactions: object }[] };
      expect(item.reactions).toEqual({ like: 2, insightful: 0, funny: 1 });
      expect(item.replies).toEqual([expect.objectContaining({ id: child, reactions: { like: 0, insightful: 1, funny: 0 } })]);
    });
    const page = (await sys.http.get(`/replies/${root}/replies`).expect(200)).body;
    expect(page.items[0]).toMatchObject({ id: child, reactions: { insightful: 1 } });
    // Taking back: 204, and a second time 204 with nothing recorded.
    await unreact(root, 'like', bob).expect(204);
    await unreact(root, 'like', bob).expect(204);
    await unreact(root, 'insightful', bob).expect(204);
    await countsBecome(root, { like: 1, funny: 1 });
    expect(await reactionCommits(root)).toHaveLength(4);
    const after = await sys.http.get(`/replies/${root}`).expect(200);
    expect(after.headers.etag).toBe(before.headers.etag);
    // And again after taking it back.
    await react(root, 'like', bob).expect(201);
    await countsBecome(root, { like: 2, funny: 1 });
  });

  it('two concurrent PUTs from one reader record one reaction', async () => {
    const id = await published();
    const bob = reader();
    const answers = await Promise.all(Array.from({ length: 4 }, () => react(id, 'like', bob)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    const commits = await reactionCommits(id);
    expect(commits).toHaveLength(1);
    expect(commits[0].events).toHaveLength(1);
    await countsBecome(id, { like: 1 });
  });

  it('sort=top ranks roots by reactions, then by replies beneath', async () => {
    const articleId = await article();
    const r1 = await published(articleId);
    const r2 = await published(articleId);
    const r3 = await published(articleId);
    await published(articleId, r1);
    const topIds = async () => ((await sys.http.get(`/articles/${articleId}/replies?sort=top&limit=10`).expect(200)).body.items as { id: string }[]).map((i) => i.id);
    await eventually(async () => expect(await topIds()).toEqual([r1, r2, r3]));
    const [bob, eve] = [reader(), reader()];
    await react(r3, 'like', bob).expect(201);
    await react(r3, 'funny', eve).expect(201);
    await react(r2, 'insightful', bob).expect(201);
    await eventually(async () => expect(await topIds()).toEqual([r3, r2, r1]));
    await unreact(r3, 'like', bob).expect(204);
    await unreact(r3, 'funny', eve).expect(204);
    await eventually(async () => expect(await topIds()).toEqual([r2, r1, r3]));
    expect((await threadItem(articleId, r2, 'top')) as unknown).toMatchObject({ reactions: { insightful: 1 } });
  });

  it('a reply not published, one\'s own reply: refused (422); nothing recorded', async () => {
    const pre = await article({ moderation: 'pre' });
    const held = await sys.http.post(`/articles/${pre}/replies`).set('Authorization', reader()).send({ body: unique('Waiting for a moderator.') }).expect(202);
    await verdictOn(sys, held.body.id);
    await react(held.body.id, 'like', reader()).expect(422);
    const author = reader();
    const mine = await sys.http.post(`/articles/${A}/replies`).set('Authorization', author).send({ body: unique('My own words.') }).expect(202);
    await verdictOn(sys, mine.body.id);
    await react(mine.body.id, 'like', author).expect(422);
    expect(await reactionCommits(held.body.id)).toHaveLength(0);
    expect(await reactionCommits(mine.body.id)).toHaveLength(0);
  });

  it('who may react: no token 401, a guest with an edit token 401, readers, moderators and admins (as readers) may', async () => {
    const id = await published();
    await react(id, 'like', null).expect(401);
    await unreact(id, 'like', null).expect(401);
    const guest = await sys.http.post(`/articles/${A}/replies`).send({ body: unique('A guest speaks.'), author: { name: 'Gus', email: `${randomBytes(4).toString('hex')}@example.org` } }).expect(202);
    await react(id, 'like', null).set('X-Edit-Token', guest.body.editToken).expect(401);
    await react(id, 'like', 'Bearer not-a-token').expect(401);
    await react(id, 'like', reader()).expect(201);
    await react(id, 'like', moderator).expect(201);
    await react(id, 'like', admin).expect(201);
    await countsBecome(id, { like: 3 });
  });

  it('hostile input: unknown type, bad ids, a body, operators in the path: 400; unknown reply 404', async () => {
    const id = await published();
    const someone = reader();
    for (const [path, method] of [
      [`/replies/${id}/reactions/angry`, 'put'], [`/replies/${id}/reactions/LIKE`, 'put'], [`/replies/${id}/reactions/%24ne`, 'put'],
      [`/replies/${id}/reactions/angry`, 'delete'], ['/replies/nope/reactions/like', 'put'], ['/replies/nope/reactions/like', 'delete'],
      [`/replies/${id.toUpperCase()}x/reactions/like`, 'put'],
    ] as const) {
      expect([method, path, (await sys.http[method](path).set('Authorization', someone)).status]).toEqual([method, path, 400]);
    }
    for (const body of [{ type: 'like' }, { extra: 1 }, ['like'], 'like']) {
      const res = await react(id, 'like', someone).set('content-type', 'application/json').send(JSON.stringify(body));
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
    await unreact(id, 'like', someone).send({ extra: 1 }).expect(400);
    await react('0'.repeat(24), 'like', someone).expect(404);
    await unreact('0'.repeat(24), 'like', someone).expect(404);
    expect(await reactionCommits(id)).toHaveLength(0);
    await react(id, 'like', someone).send({}).expect(201);
  });

  it('an erased reader\'s reactions stay counted (anonymous); signing in again makes a new commenter, who may react again', async () => {
    const id = await published();
    const sub = `erased-${randomBytes(4).toString('hex')}`;
    await react(id, 'insightful', reader(sub)).expect(201);
    await countsBecome(id, { insightful: 1 });
    const erased = (await sys.http.delete('/me').set('Authorization', reader(sub)).expect(202)).body.erased[0].commenterId;
    // The commenter ledger has gone through the log past the erasure: the counts are as they were.
    await eventually(async () => expect(await sys.db.collection('commenter_meta__v1').findOne({ _id: erased })).toMatchObject({ erasedAt: expect.any(String) }), 20_000);
    await countsBecome(id, { insightful: 1 });
    await react(id, 'insightful', reader(sub)).expect(201);
    await countsBecome(id, { insightful: 2 });
  });

  it('GET /me/data holds the reader\'s own reactions: what stands on each reply and every change', async () => {
    const [r1, r2] = [await published(), await published()];
    const sub = `exported-${randomBytes(4).toString('hex')}`;
    await react(r1, 'like', reader(sub)).expect(201);
    await react(r1, 'funny', reader(sub)).expect(201);
    await unreact(r1, 'like', reader(sub)).expect(204);
    await react(r2, 'insightful', reader(sub)).expect(201);
    await react(r2, 'like', reader()).expect(201); // someone else's: not in this export
    const data = await eventually(async () => {
      const body = (await sys.http.get('/me/data').set('Authorization', reader(sub)).expect(200)).body;
      expect(body.reactions).toHaveLength(2);
      return body;
    }, 20_000);
    expect(data.replies).toEqual([]);
    expect(data.reactions).toEqual([
      { replyId: r1, articleId: A, types: ['funny'], history: [
        { type: 'reply.reacted', reaction: 'like', at: expect.any(String) },
        { type: 'reply.reacted', reaction: 'funny', at: expect.any(String) },
        { type: 'reply.unreacted', reaction: 'like', at: expect.any(String) },
      ] },
      { replyId: r2, articleId: A, types: ['insightful'], history: [{ type: 'reply.reacted', reaction: 'insightful', at: expect.any(String) }] },
    ]);
  });
});

describe('reactions are rate limited as `react`', () => {
  let limited: System;
  beforeAll(async () => {
    limited = await startSystem({ env: { RATE_LIMIT_REACT_PER_COMMENTER: '2', RATE_LIMIT_REACT_PER_NETWORK: '100', RATE_LIMIT_WINDOW_SECONDS: '60' } });
  });
  afterAll(() => limited.stop());

  it('past the commenter\'s limit: 429 with Retry-After, nothing recorded; taking back counts too', async () => {
    const res = await limited.http.post(`/articles/${A}/replies`).set('Authorization', `Bearer ${tokenFor(limited.config, 'reader', 'author-x')}`).send({ body: unique('Limit me.') }).expect(202);
    await verdictOn(limited, res.body.id);
    const bob = `Bearer ${tokenFor(limited.config, 'reader', 'bob-limited')}`;
    await limited.http.put(`/replies/${res.body.id}/reactions/like`).set('Authorization', bob).expect(201);
    await limited.http.delete(`/replies/${res.body.id}/reactions/like`).set('Authorization', bob).expect(204);
    const refused = await limited.http.put(`/replies/${res.body.id}/reactions/funny`).set('Authorization', bob);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(await limited.db.collection('commits').countDocuments({ streamId: { $regex: `^reaction-${res.body.id}-` } })).toBe(2);
    // Another reader is not limited by bob's count.
    await limited.http.put(`/replies/${res.body.id}/reactions/funny`).set('Authorization', `Bearer ${tokenFor(limited.config, 'reader', 'eve-limited')}`).expect(201);
  });
});
