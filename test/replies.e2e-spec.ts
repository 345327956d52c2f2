import { EVENT_STORE, EventStore } from '@app/event-store';
import { eventually, SEED_ARTICLE_ID, startSystem, System, tokenFor, verdictOn } from './support/system';

const A = SEED_ARTICLE_ID;
let sys: System;
let alice: string;
let bob: string;

beforeAll(async () => {
  sys = await startSystem();
  alice = `Bearer ${tokenFor(sys.config, 'reader', 'alice', 'Alice')}`;
  bob = `Bearer ${tokenFor(sys.config, 'reader', 'bob', 'Bob')}`;
});
afterAll(() => sys.stop());

const thread = async (query = '') => (await sys.http.get(`/articles/${A}/replies${query}`).expect(200)).body;

async function submit(body: string, auth = alice, extra: Record<string, unknown> = {}) {
  const res = await sys.http.post(`/articles/${A}/replies`).set('Authorization', auth).send({ body, ...extra }).expect(202);
  return res;
}

describe('a reader replies', () => {
  it('submits a reply and sees it in the thread', async () => {
    const res = await submit('The raid was lawful.');
    expect(res.body).toEqual({ id: expect.stringMatching(/^[a-f0-9]{24}$/), status: 'checking' });
    expect(res.headers.location).toBe(`/replies/${res.body.id}`);
    const page = await eventually(async () => {
      const p = await thread('?sort=newest');
      expect(p.items.map((i: { id: string }) => i.id)).toContain(res.body.id);
      return p;
    });
    const item = page.items.find((i: { id: string }) => i.id === res.body.id);
    expect(item).toMatchObject({ body: 'The raid was lawful.', author: { name: 'Alice' }, status: 'published', replies: [] });
    // The verdict that published it is version 2 of its stream; the detail view may trail the thread.
    const detail = await eventually(async () => {
      const d = await sys.http.get(res.headers.location).expect(200);
      expect(d.body).toMatchObject({ id: res.body.id, articleId: A, body: 'The raid was lawful.', status: 'published', version: 2 });
      return d;
    });
    expect(detail.headers.etag).toBe('"2"');
  });

  it('replies to a reply, nested under it', async () => {
    const root = await submit('Top-level point');
    const child = await submit('I disagree', bob, { parentId: root.body.id });
    const grandchild = await submit('Why?', alice, { parentId: child.body.id });
    const item = await eventually(async () => {
      const found = (await thread('?sort=newest&limit=100')).items.find((i: { id: string }) => i.id === root.body.id);
      expect(found.replyCount).toBe(2);
      return found;
    });
    // The thread previews the direct replies; each one's own replies are a page of their own.
    expect(item).toMatchObject({ replies: [{ id: child.body.id, parentId: root.body.id, body: 'I disagree', replyCount: 1 }], repliesCursor: null });
    expect(item.replies[0]).not.toHaveProperty('replies');
    await eventually(async () => {
      const below = (await sys.http.get(`/replies/${child.body.id}/replies`).expect(200)).body;
      expect(below).toEqual({ items: [expect.objectContaining({ id: grandchild.body.id, parentId: child.body.id, body: 'Why?', replies: [] })], nextCursor: null });
    });
    const ids = (await thread('?limit=100')).items.map((i: { id: string }) => i.id);
    expect(ids).not.toContain(child.body.id); // nested replies are not top-level items
  });

  it('a guest submits, then edits and retracts with the edit token', async () => {
    const res = await sys.http.post(`/articles/${A}/replies`).send({ body: 'guest words', author: { name: 'Gus', email: 'Gus@Example.org' } }).expect(202);
    const { id, editToken } = res.body;
    expect(editToken).toEqual(expect.any(String));
    await sys.http.patch(`/replies/${id}`).send({ body: 'sneaky' }).expect(403);
    await sys.http.patch(`/replies/${id}`).set('X-Edit-Token', 'wrong').send({ body: 'sneaky' }).expect(403);
    // Published by its verdict (version 2) first, so the edit is version 3 and is screened again.
    expect((await verdictOn(sys, id)).version).toBe(2);
    const edited = await sys.http.patch(`/replies/${id}`).set('X-Edit-Token', editToken).send({ body: 'better words' }).expect(200);
    expect(edited.headers.etag).toBe('"3"');
    expect(await verdictOn(sys, id, 3)).toMatchObject({ status: 'published', version: 4, body: 'better words' });
    await eventually(async () => {
      const item = (await thread('?limit=100')).items.find((i: { id: string }) => i.id === id);
      expect(item).toMatchObject({ body: 'better words', editedAt: expect.any(String) });
    });
    await sys.http.delete(`/replies/${id}`).set('X-Edit-Token', editToken).expect(200);
    await eventually(async () => {
      expect((await thread('?limit=100')).items.map((i: { id: string }) => i.id)).not.toContain(id);
    });
    // The detail view is its own projector: it may trail the thread by a moment.
    await eventually(async () => expect((await sys.http.get(`/replies/${id}`).expect(200)).body).toMatchObject({ status: 'retracted', body: '' }));
    const staff = await sys.http.get(`/replies/${id}`).set('Authorization', `Bearer ${tokenFor(sys.config, 'moderator')}`).expect(200);
    expect(staff.body.body).toBe('better words');
    expect(staff.body.history.map((h: { type: string }) => h.type)).toEqual(['reply.submitted', 'reply.screened', 'reply.edited', 'reply.screened', 'reply.retracted']);
  });

  it('keeps a retracted reply as a placeholder while it has published replies', async () => {
    const root = await submit('to be retracted');
    const child = await submit('still here', bob, { parentId: root.body.id });
    // Both public before the retraction: a retracted published reply with a published answer.
    for (const id of [root.body.id, child.body.id]) expect((await verdictOn(sys, id)).status).toBe('published');
    await sys.http.delete(`/replies/${root.body.id}`).set('Authorization', alice).expect(200);
    await eventually(async () => {
      const item = (await thread('?limit=100')).items.find((i: { id: string }) => i.id === root.body.id);
      expect(item).toMatchObject({ status: 'retracted', body: '', author: null, replies: [{ id: child.body.id, body: 'still here' }] });
    });
  });

  it('only the author edits; another reader gets 403', async () => {
    const res = await submit('mine');
    const problem = await sys.http.patch(`/replies/${res.body.id}`).set('Authorization', bob).send({ body: 'yours' }).expect(403);
    expect(problem.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('a stale If-Match answers 412 and changes nothing', async () => {
    const res = await submit('version one');
    const { version } = await verdictOn(sys, res.body.id);
    expect(version).toBe(2);
    const edited = await sys.http.patch(`/replies/${res.body.id}`).set('Authorization', alice).set('If-Match', `"${version}"`).send({ body: 'version two' }).expect(200);
    expect(edited.headers.etag).toBe('"3"');
    await sys.http.patch(`/replies/${res.body.id}`).set('Authorization', alice).set('If-Match', `"${version}"`).send({ body: 'version three' }).expect(412);
    // The edit's verdict is version 4; nothing of the refused one is anywhere.
    const staff = await verdictOn(sys, res.body.id, 3);
    expect(staff).toMatchObject({ version: 4, status: 'published', body: 'version two' });
    expect(JSON.stringify(staff)).not.toContain('version three');
    const detail = await sys.http.get(`/replies/${res.body.id}`).expect(200);
    expect(detail.body.body).toBe('version two');
    expect(detail.headers.etag).toBe('"4"');
  });

  it('a concurrent conflicting change answers 409', async () => {
    const res = await submit('racing');
    // After its verdict nothing else loads this reply, so the only loads below are the two edits'.
    expect((await verdictOn(sys, res.body.id)).version).toBe(2);
    const store = sys.app.get<EventStore>(EVENT_STORE);
    const realLoad = store.load.bind(store);
    let release!: () => void;
    const paused = new Promise<void>((r) => (release = r));
    let loaded!: () => void;
    const firstLoaded = new Promise<void>((r) => (loaded = r));
    let pausedOnce = false;
    // Only this reply's stream: spam workers load other replies' streams meanwhile.
    const spy = jest.spyOn(store, 'load').mockImplementation(async (streamId: string, ...rest: unknown[]) => {
      const stream = await (realLoad as (...args: unknown[]) => Promise<unknown>)(streamId, ...rest);
      if (streamId !== `reply-${res.body.id}` || pausedOnce) return stream as never;
      pausedOnce = true;
      loaded();
      await paused; // the first edit has read version 2 and waits
      return stream as never;
    });
    const slow = sys.http.patch(`/replies/${res.body.id}`).set('Authorization', alice).send({ body: 'slow edit' }).then((r) => r);
    await firstLoaded;
    const fast = await sys.http.patch(`/replies/${res.body.id}`).set('Authorization', alice).send({ body: 'fast edit' }).expect(200);
    expect(fast.headers.etag).toBe('"3"');
    release();
    const conflict = await slow;
    spy.mockRestore();
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ status: 409, title: 'Conflict' });
    // The fast edit is version 3, its verdict 4; the slow one stored nothing.
    const staff = await verdictOn(sys, res.body.id, 3);
    expect(staff).toMatchObject({ version: 4, status: 'published', body: 'fast edit' });
    expect(JSON.stringify(staff)).not.toContain('slow edit');
    expect((await sys.http.get(`/replies/${res.body.id}`).expect(200)).body.body).toBe('fast edit');
  });

  it('an Idempotency-Key makes a retry return the first answer and store one reply', async () => {
    const key = `retry-${Date.now()}`;
    const first = await sys.http.post(`/articles/${A}/replies`).set('Authorization', alice).set('Idempotency-Key', key).send({ body: 'only once' }).expect(202);
    const again = await sys.http.post(`/articles/${A}/replies`).set('Authorization', alice).set('Idempotency-Key', key).send({ body: 'only once' }).expect(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    // One submission (its verdict, appended by a spam worker, is another commit of the stream).
    const commits = await sys.db.collection('commits').countDocuments({ streamId: `reply-${first.body.id}`, 'events.type': 'reply.submitted' });
    expect(commits).toBe(1);
    // The same key from another reader is another request.
    const bobs = await sys.http.post(`/articles/${A}/replies`).set('Authorization', bob).set('Idempotency-Key', key).send({ body: 'only once' }).expect(202);
    expect(bobs.body.id).not.toBe(first.body.id);
  });

  it('holds replies on a pre-moderated article out of the thread', async () => {
    const admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
    await sys.http.post('/articles').set('Authorization', admin).send({ id: 'held-here', title: 'Held', author: 'Ed', category: 'News', body: ['p'], settings: { moderation: 'pre' } }).expect(202);
    const res = await sys.http.post('/articles/held-here/replies').set('Authorization', alice).send({ body: 'wait for me' }).expect(202);
    expect(res.body.status).toBe('pending');
    await eventually(async () => {
      const article = (await sys.http.get('/articles/held-here').expect(200)).body;
      expect(article.stats).toMatchObject({ pending: 1, replies: 0 });
    });
    expect((await sys.http.get('/articles/held-here/replies').expect(200)).body.items).toEqual([]);
    // Its text is for its author and the moderators until it is approved.
    expect((await sys.http.get(`/replies/${res.body.id}`).expect(200)).body).toMatchObject({ status: 'pending', body: '' });
    expect((await sys.http.get(`/replies/${res.body.id}`).set('Authorization', bob).expect(200)).body.body).toBe('');
    expect((await sys.http.get(`/replies/${res.body.id}`).set('Authorization', alice).expect(200)).body.body).toBe('wait for me');
    const mod = `Bearer ${tokenFor(sys.config, 'moderator')}`;
    expect((await sys.http.get(`/replies/${res.body.id}`).set('Authorization', mod).expect(200)).body.body).toBe('wait for me');
  });

  it('a long article stream loads from its snapshot and keeps its version', async () => {
    const admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
    await sys.http.post('/articles').set('Authorization', admin).send({ id: 'often-changed', title: 'Often', author: 'Ed', category: 'News', body: ['p'] }).expect(202);
    let etag = '"1"';
    for (let i = 1; i <= 25; i++) {
      const res = await sys.http.patch('/articles/often-changed/settings').set('Authorization', admin).set('If-Match', etag).send({ editWindowMinutes: 10 + i }).expect(200);
      etag = res.headers.etag;
    }
    expect(etag).toBe('"26"');
    const snapshot = await eventually(async () => {
      const s = await sys.db.collection('snapshots').findOne({ _id: 'article-often-changed' as never });
      expect(s?.version).toBeGreaterThanOrEqual(20);
      return s!;
    });
    expect(snapshot.state).toMatchObject({ id: 'often-changed' });
    // Loaded from the snapshot plus the events after it: the version and settings are whole.
    await sys.http.patch('/articles/often-changed/settings').set('Authorization', admin).set('If-Match', '"25"').send({ open: false }).expect(412);
    const closed = await sys.http.patch('/articles/often-changed/settings').set('Authorization', admin).set('If-Match', etag).send({ open: false }).expect(200);
    expect(closed.headers.etag).toBe('"27"');
    expect(closed.body.settings).toMatchObject({ open: false, editWindowMinutes: 35 });
    await sys.http.post('/articles/often-changed/replies').set('Authorization', alice).send({ body: 'too late' }).expect(422);
  });

  it('pages through 200 replies, every reply exactly once, in both orders', async () => {
    const admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
    await sys.http.post('/articles').set('Authorization', admin).send({ id: 'paging', title: 'Paging', author: 'Ed', category: 'News', body: ['p'] }).expect(202);
    const submittedIds: string[] = [];
    for (let i = 0; i < 200; i++) {
      const r = await sys.http.post('/articles/paging/replies').set('Authorization', i % 2 ? alice : bob).send({ body: `reply ${i}` }).expect(202);
      submittedIds.push(r.body.id);
    }
    const readAll = async (sort: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await sys.http
          .get('/articles/paging/replies')
          .query({ sort, limit: 33, ...(cursor ? { cursor } : {}) })
          .expect(200);
        seen.push(...page.body.items.map((i) => i.id));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      return seen;
    };
    // Every view is built on its own; wait for the thread to hold all 200.
    await eventually(async () => expect(await readAll('oldest')).toHaveLength(200), 60_000);
    // The thread places a reply when its verdict publishes it (docs/decisions/0002): in the
    // log order of the verdicts, which concurrent spam workers may append out of submission order.
    const verdicts = await sys.db
      .collection('commits')
      .find({ streamId: { $in: submittedIds.map((id) => `reply-${id}`) }, 'events.type': 'reply.screened' })
      .sort({ position: 1 })
      .toArray();
    const placedIds = verdicts.map((c) => String(c.streamId).slice('reply-'.length));
    expect([...placedIds].sort()).toEqual([...submittedIds].sort());
    for (const sort of ['oldest', 'newest', 'top']) {
      const seen = await readAll(sort);
      expect({ sort, distinct: new Set(seen).size }).toEqual({ sort, distinct: 200 });
      expect(seen).toHaveLength(200);
      if (sort === 'oldest') expect(seen).toEqual(placedIds);
      if (sort === 'newest') expect(seen).toEqual([...placedIds].reverse());
    }
  }, 120_000);
});
