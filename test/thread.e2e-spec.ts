import { eventually, startSystem, System, tokenFor, verdictOn } from './support/system';

let sys: System;
let alice: string;
let bob: string;
let admin: string;

beforeAll(async () => {
  sys = await startSystem();
  alice = `Bearer ${tokenFor(sys.config, 'reader', 'alice', 'Alice')}`;
  bob = `Bearer ${tokenFor(sys.config, 'reader', 'bob', 'Bob')}`;
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
});
afterAll(() => sys.stop());

interface Item {
  id: string;
  parentId: string | null;
  author: { name: string } | null;
  body: string;
  status: string;
  replyCount: number;
  replies: Item[];
  repliesCursor: string | null;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

async function article(id: string, settings: Record<string, unknown> = {}) {
  await sys.http.post('/articles').set('Authorization', admin).send({ id, title: id, author: 'Ed', category: 'News', body: ['p'], settings }).expect(202);
}

async function reply(articleId: string, body: string, parentId?: string, auth = alice): Promise<string> {
  const res = await sys.http.post(`/articles/${articleId}/replies`).set('Authorization', auth).send({ body, ...(parentId ? { parentId } : {}) }).expect(202);
  return res.body.id;
}

/**
 * A reply that is published before this returns. The thread places replies in the order their
 * verdicts publish them (docs/decisions/0002), which concurrent spam workers do not keep: a test
 * that expects an order submits each reply once the one before is placed.
 */
async function publishedReply(articleId: string, body: string, parentId?: string, auth = alice): Promise<string> {
  const id = await reply(articleId, body, parentId, auth);
  expect((await verdictOn(sys, id)).status).toBe('published');
  return id;
}

/** The order in which the verdicts on these replies were logged: the order the thread placed them. */
async function placementOrder(ids: string[]): Promise<string[]> {
  const verdicts = await sys.db
    .collection('commits')
    .find({ streamId: { $in: ids.map((id) => `reply-${id}`) }, 'events.type': 'reply.screened' })
    .sort({ position: 1 })
    .toArray();
  const placed = verdicts.map((c) => String(c.streamId).slice('reply-'.length));
  expect([...placed].sort()).toEqual([...ids].sort()); // one verdict each
  return placed;
}

const threadPage = async (articleId: string, query: Record<string, string | number> = {}): Promise<Page> =>
  (await sys.http.get(`/articles/${articleId}/replies`).query(query).expect(200)).body;

const repliesPage = async (replyId: string, query: Record<string, string | number> = {}): Promise<Page> =>
  (await sys.http.get(`/replies/${replyId}/replies`).query(query).expect(200)).body;

const itemOf = async (articleId: string, replyId: string): Promise<Item | undefined> =>
  (await threadPage(articleId, { sort: 'oldest', limit: 100 })).items.find((i) => i.id === replyId);

/** Follows nextCursor from `cursor` to the end; every page is at most `limit` long. */
async function readReplies(replyId: string, limit: number, cursor?: string): Promise<string[]> {
  const seen: string[] = [];
  for (let pages = 0; pages < 100; pages++) {
    const page = await repliesPage(replyId, { limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((i) => i.id));
    if (!page.nextCursor) return seen;
    cursor = page.nextCursor;
  }
  throw new Error('more pages than replies');
}

describe('a thread with many nested replies', () => {
  it('previews the first 3 replies under a root and pages all 250 exactly once through /replies/:id/replies', async () => {
    await article('deep-thread');
    const root = await reply('deep-thread', 'the root');
    const submitted: string[] = [];
    for (let i = 0; i < 250; i++) submitted.push(await reply('deep-thread', `answer ${i}`, root, i % 2 ? alice : bob));
    await eventually(async () => expect((await itemOf('deep-thread', root))?.replyCount).toBe(250), 60_000);
    // Placed as their verdicts published them: that is the order every page below shows.
    const ids = await placementOrder(submitted);
    const firstIndex = submitted.indexOf(ids[0]);
    const answered = await reply('deep-thread', 'an answer to the first answer', ids[0]);

    const item = await eventually(async () => {
      const found = await itemOf('deep-thread', root);
      expect(found?.replyCount).toBe(251);
      return found!;
    }, 60_000);
    expect(item.replies.map((r) => r.id)).toEqual(ids.slice(0, 3));
    expect(item.replies[0]).toMatchObject({ body: `answer ${firstIndex}`, author: { name: firstIndex % 2 ? 'Alice' : 'Bob' }, replyCount: 1 });
    expect(item.repliesCursor).toEqual(expect.any(String));

    // After the preview, from its cursor: the other 247, in order, once each.
    expect(await readReplies(root, 33, item.repliesCursor!)).toEqual(ids.slice(3));
    // From the start: all 250, across the children buckets, once each.
    const all = await readReplies(root, 40);
    expect(all).toEqual(ids);

    const first = (await repliesPage(root, { limit: 1 })).items[0];
    expect(first).toMatchObject({ id: ids[0], replyCount: 1, replies: [{ id: answered, body: 'an answer to the first answer' }], repliesCursor: null });
  }, 180_000);
});

describe('what the thread shows of nested replies', () => {
  it('counts replies at every depth and previews each level', async () => {
    await article('counted', { maxDepth: 4 });
    const root = await publishedReply('counted', 'root');
    const a = await publishedReply('counted', 'a', root);
    const b = await publishedReply('counted', 'b', root);
    const a1 = await publishedReply('counted', 'a1', a, bob);
    const a1x = await publishedReply('counted', 'a1x', a1);
    const item = await eventually(async () => {
      const found = await itemOf('counted', root);
      expect(found?.replyCount).toBe(4);
      return found!;
    });
    expect(item).toMatchObject({ replies: [{ id: a, replyCount: 2 }, { id: b, replyCount: 0 }], repliesCursor: null });
    expect((await repliesPage(a)).items).toEqual([expect.objectContaining({ id: a1, replyCount: 1, replies: [expect.objectContaining({ id: a1x, replyCount: 0 })] })]);

    await sys.http.delete(`/replies/${a1x}`).set('Authorization', alice).expect(200);
    await eventually(async () => expect((await itemOf('counted', root))?.replyCount).toBe(3));
    expect((await itemOf('counted', root))!.replies[0]).toMatchObject({ id: a, replyCount: 1 });
    expect((await threadPage('counted', { sort: 'top' })).items[0]).toMatchObject({ id: root, replyCount: 3 });
  });

  it('shows a retracted reply as a placeholder while it has published replies, and leaves it out otherwise', async () => {
    await article('placeholders');
    const root = await reply('placeholders', 'root');
    const kept = await reply('placeholders', 'to be retracted, answered', root);
    const gone = await reply('placeholders', 'to be retracted, alone', root);
    const answer = await reply('placeholders', 'still here', kept, bob);
    await eventually(async () => expect((await itemOf('placeholders', root))?.replyCount).toBe(3));
    await sys.http.delete(`/replies/${kept}`).set('Authorization', alice).expect(200);
    await sys.http.delete(`/replies/${gone}`).set('Authorization', alice).expect(200);

    const item = await eventually(async () => {
      const found = await itemOf('placeholders', root);
      expect(found?.replyCount).toBe(1);
      return found!;
    });
    const placeholder = { id: kept, status: 'retracted', body: '', author: null, replyCount: 1 };
    expect(item.replies).toEqual([expect.objectContaining(placeholder)]);
    expect((await repliesPage(root)).items).toEqual([expect.objectContaining({ ...placeholder, replies: [expect.objectContaining({ id: answer, body: 'still here' })] })]);
    expect(JSON.stringify(await repliesPage(root))).not.toContain('to be retracted');
  });

  it('never shows a held reply, at the top or nested', async () => {
    await article('held-nested');
    const root = await reply('held-nested', 'published before the article was pre-moderated');
    await eventually(async () => expect(await itemOf('held-nested', root)).toBeDefined());
    await sys.http.patch('/articles/held-nested/settings').set('Authorization', admin).send({ moderation: 'pre' }).expect(200);
    const heldRoot = (await sys.http.post('/articles/held-nested/replies').set('Authorization', bob).send({ body: 'held at the top' }).expect(202)).body;
    const heldNested = (await sys.http.post('/articles/held-nested/replies').set('Authorization', bob).send({ body: 'held beneath', parentId: root }).expect(202)).body;
    expect([heldRoot.status, heldNested.status]).toEqual(['pending', 'pending']);
    // A published reply after them: once the thread shows it, it has seen the held ones.
    await sys.http.patch('/articles/held-nested/settings').set('Authorization', admin).send({ moderation: 'post' }).expect(200);
    const after = await reply('held-nested', 'published after them', root);
    await eventually(async () => expect((await itemOf('held-nested', root))?.replyCount).toBe(1));

    for (const sort of ['newest', 'oldest', 'top']) {
      const page = await threadPage('held-nested', { sort });
      expect(page.items.map((i) => i.id)).toEqual([root]);
      expect(page.items[0]).toMatchObject({ replyCount: 1, replies: [{ id: after }], repliesCursor: null });
      expect(JSON.stringify(page)).not.toContain('held');
    }
    expect((await repliesPage(root)).items.map((i) => i.id)).toEqual([after]);
  });
});

describe('GET /replies/:id/replies refuses what it cannot answer', () => {
  const problem = async (path: string, status: number, field?: string) => {
    const res = await sys.http.get(path).expect(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (field) expect(res.body.errors?.map((e: { field: string }) => e.field)).toContain(field);
  };

  it('an unknown reply: 404; a reply without replies: an empty page', async () => {
    await problem('/replies/0123456789abcdef01234567/replies', 404);
    await article('lonely');
    const id = await reply('lonely', 'nobody answers');
    await eventually(async () => expect(await repliesPage(id)).toEqual({ items: [], nextCursor: null }));
  });

  it('bad ids, limits, fields and cursors the API did not give out: 400', async () => {
    await article('cursors');
    const root = await reply('cursors', 'root');
    const other = await reply('cursors', 'another root');
    for (let i = 0; i < 5; i++) await publishedReply('cursors', `r${i}`, root);
    const item = await eventually(async () => {
      const found = await itemOf('cursors', root);
      expect(found?.replyCount).toBe(5);
      return found!;
    });
    const threadCursor = (await threadPage('cursors', { limit: 1 })).nextCursor!;
    expect(threadCursor).toEqual(expect.any(String));

    await problem('/replies/not-a-reply/replies', 400, 'id');
    await problem(`/replies/${root}/replies?limit=0`, 400, 'limit');
    await problem(`/replies/${root}/replies?limit=101`, 400, 'limit');
    await problem(`/replies/${root}/replies?sort=top`, 400);
    await problem(`/replies/${root}/replies?cursor=garbage`, 400, 'cursor');
    await problem(`/replies/${root}/replies?cursor=${threadCursor}`, 400, 'cursor');
    await problem(`/replies/${other}/replies?cursor=${item.repliesCursor}`, 400, 'cursor');
    await problem(`/articles/cursors/replies?cursor=${item.repliesCursor}`, 400, 'cursor');
    expect((await repliesPage(root, { cursor: item.repliesCursor! })).items.map((r) => r.body)).toEqual(['r3', 'r4']);
  });
});
