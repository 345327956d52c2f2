import { randomBytes } from 'node:crypto';
import { eventually, RELAXED_POLICY, SEED_ARTICLE_ID, startSystem, System, tokenFor } from './support/system';

/** What event sourcing keeps, for those who may read it: a stream as stored, a reply's whole history. */
const A = SEED_ARTICLE_ID;
let sys: System;
let admin: string;
let moderator: string;

beforeAll(async () => {
  sys = await startSystem({ env: { MODERATION_POLICY: RELAXED_POLICY } });
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
  moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'mod-1', 'Mo')}`;
});
afterAll(() => sys.stop());

const reader = () => {
  const sub = `r-${randomBytes(4).toString('hex')}`;
  return `Bearer ${tokenFor(sys.config, 'reader', sub, sub)}`;
};

async function editedAndRejected() {
  const author = reader();
  const { id } = (await sys.http.post(`/articles/${A}/replies`).set('Authorization', author).send({ body: 'first words' }).expect(202)).body;
  const published = await eventually(async () => {
    const d = (await sys.http.get(`/replies/${id}`).set('Authorization', moderator).expect(200)).body;
    expect(d.status).toBe('published');
    return d;
  }, 20_000);
  await sys.http.patch(`/replies/${id}`).set('Authorization', author).set('If-Match', `"${published.version}"`).send({ body: 'second words' }).expect(200);
  const edited = await eventually(async () => {
    const d = (await sys.http.get(`/replies/${id}`).set('Authorization', moderator).expect(200)).body;
    expect(d.history.map((h: { type: string }) => h.type)).toEqual(['reply.submitted', 'reply.screened', 'reply.edited', 'reply.screened']);
    return d;
  }, 20_000);
  await sys.http.post(`/moderation/replies/${id}/reject`).set('Authorization', moderator).set('If-Match', `"${edited.version}"`).send({ reason: 'off topic' }).expect(200);
  return id as string;
}

describe('GET /replies/:id/history', () => {
  it('lists every version and status change with who or what caused it, text later rejected included', async () => {
    const id = await editedAndRejected();
    const res = await sys.http.get(`/replies/${id}/history`).set('Authorization', moderator).expect(200);
    expect(res.body.steps.map((s: { change: string }) => s.change)).toEqual(['submitted', 'verdict', 'edited', 'verdict', 'decision']);
    expect(res.body.steps[0]).toMatchObject({ version: 1, body: 'first words', status: 'checking', by: { kind: 'reader', name: '' } });
    expect(res.body.steps[1]).toMatchObject({ status: 'published', decision: 'publish', by: { kind: 'system', id: 'screening' }, policyVersion: expect.any(Number) });
    expect(res.body.steps[2]).toMatchObject({ body: 'second words', previousBody: 'first words' });
    expect(res.body.steps[4]).toMatchObject({ action: 'reject', status: 'rejected', previousStatus: 'published', reason: 'off topic', by: { kind: 'moderator', id: 'mod-1', name: 'Mo' } });
    await eventually(async () => {
      const again = await sys.http.get(`/replies/${id}/history`).set('Authorization', moderator).expect(200);
      expect(again.body.steps.every((s: { position: number | null }) => typeof s.position === 'number')).toBe(true);
    });
  });

  it('is for moderators and admins; bad ids are 400, unknown ones 404', async () => {
    const id = await editedAndRejected();
    const path = `/replies/${id}/history`;
    expect([(await sys.http.get(path)).status, (await sys.http.get(path).set('Authorization', reader())).status]).toEqual([401, 403]);
    expect([(await sys.http.get(path).set('Authorization', moderator)).status, (await sys.http.get(path).set('Authorization', admin)).status]).toEqual([200, 200]);
    expect((await sys.http.get('/replies/not-a-reply/history').set('Authorization', moderator)).status).toBe(400);
    expect((await sys.http.get(`/replies/${randomBytes(12).toString('hex')}/history`).set('Authorization', moderator)).status).toBe(404);
  });
});

describe('GET /admin/streams/:streamId', () => {
  it('lists a stream as stored, paged by version, with commits, positions and actors', async () => {
    const id = await editedAndRejected();
    const all = (await sys.http.get(`/admin/streams/reply-${id}`).set('Authorization', admin).expect(200)).body;
    expect(all).toMatchObject({ streamId: `reply-${id}`, version: 5, nextFromVersion: null });
    expect(all.events.map((e: { type: string }) => e.type)).toEqual(['reply.submitted', 'reply.screened', 'reply.edited', 'reply.screened', 'reply.moderated']);
    expect(all.events[0]).toMatchObject({ version: 1, schemaVersion: 1, commitId: `reply-${id}:1`, data: { body: 'first words', articleId: A }, actor: { kind: 'reader' } });
    const page = (await sys.http.get(`/admin/streams/reply-${id}?fromVersion=2&limit=2`).set('Authorization', admin).expect(200)).body;
    expect(page.events.map((e: { version: number }) => e.version)).toEqual([2, 3]);
    expect(page.nextFromVersion).toBe(4);
    const article = (await sys.http.get(`/admin/streams/article-${A}`).set('Authorization', admin).expect(200)).body;
    expect(article.events[0]).toMatchObject({ type: 'article.published', position: expect.any(Number) });
  });

  it('is for admins only, and refuses bad input', async () => {
    const path = `/admin/streams/article-${A}`;
    const statuses = [];
    for (const auth of [undefined, reader(), moderator, admin]) statuses.push((await (auth ? sys.http.get(path).set('Authorization', auth) : sys.http.get(path))).status);
    expect(statuses).toEqual([401, 403, 403, 200]);
    for (const bad of ['/admin/streams/users-1', '/admin/streams/reply-', '/admin/streams/reply-a%3Ab', `${path}?limit=0`, `${path}?limit=501`, `${path}?fromVersion=0`, `${path}?fromVersion=x`, `${path}?limit=1&limit=2`, `${path}?other=1`]) {
      expect([bad, (await sys.http.get(bad).set('Authorization', admin)).status]).toEqual([bad, 400]);
    }
    expect((await sys.http.get('/admin/streams/reply-000000000000000000000000').set('Authorization', admin)).status).toBe(404);
  });
});

describe('GET /articles/:id/replies?asOf= (time travel)', () => {
  const ART = `travel-${randomBytes(3).toString('hex')}`;
  const live = async () => (await sys.http.get(`/articles/${ART}/replies?limit=100&sort=oldest`).expect(200)).body;
  const asOf = async (at: string, auth = moderator) => (await sys.http.get(`/articles/${ART}/replies?limit=100&sort=oldest&asOf=${encodeURIComponent(at)}`).set('Authorization', auth).expect(200)).body;
  const pause = () => new Promise((r) => setTimeout(r, 30));

  it('shows the thread exactly as it was recorded at known moments, text later edited and retracted included', async () => {
    await sys.http.post('/articles').set('Authorization', admin).send({ id: ART, title: 'Travel', author: 'E', category: 'News', body: ['p'] }).expect(202);
    const author = reader();
    const first = (await sys.http.post(`/articles/${ART}/replies`).set('Authorization', author).send({ body: 'the first text' }).expect(202)).body.id;
    const recorded: { at: string; items: unknown[] }[] = [];
    const record = async (check: (ids: string[], items: { body: string }[]) => void) => {
      const page = await eventually(async () => {
        const p = await live();
        check(p.items.map((i: { id: string }) => i.id), p.items);
        return p;
      }, 20_000);
      await pause();
      recorded.push({ at: new Date().toISOString(), items: page.items });
      await pause();
    };
    await record((ids) => expect(ids).toEqual([first]));
    const second = (await sys.http.post(`/articles/${ART}/replies`).set('Authorization', reader()).send({ body: 'a second reply' }).expect(202)).body.id;
    await record((ids) => expect(ids).toEqual([first, second]));
    const d = (await sys.http.get(`/replies/${first}`).set('Authorization', author).expect(200)).body;
    await sys.http.patch(`/replies/${first}`).set('Authorization', author).set('If-Match', `"${d.version}"`).send({ body: 'the edited text' }).expect(200);
    await sys.http.delete(`/replies/${second}`).set('Authorization', reader()).expect(403);
    await record((_ids, items) => expect(items[0].body).toBe('the edited text'));
    await sys.http.delete(`/replies/${first}`).set('Authorization', author).set('If-Match', '*').expect((res) => expect([200, 202, 204]).toContain(res.status));
    await record((ids) => expect(ids).not.toContain(first));

    for (const { at, items } of recorded) expect([at, (await asOf(at)).items]).toEqual([at, items]);
    // Before the article had any reply, and in the future (now).
    expect((await asOf('2000-01-01T00:00:00Z')).items).toEqual([]);
    expect((await asOf('2999-01-01T00:00:00Z')).items).toEqual((await live()).items);
  });

  it('is for moderators and admins; bad times are 400', async () => {
    const path = `/articles/${A}/replies?asOf=2026-01-01T00:00:00Z`;
    expect((await sys.http.get(path)).status).toBe(401);
    expect((await sys.http.get(path).set('Authorization', reader())).status).toBe(403);
    expect((await sys.http.get(path).set('Authorization', moderator)).status).toBe(200);
    expect((await sys.http.get(path).set('Authorization', admin)).status).toBe(200);
    for (const bad of ['yesterday', '2026-01-01', '2026-13-01T00:00:00Z', '2026-01-01T00:00:00', '2026-01-01T00:00:00Z&asOf=2026-01-02T00:00:00Z']) {
      expect([bad, (await sys.http.get(`/articles/${A}/replies?asOf=${bad}`).set('Authorization', moderator)).status]).toEqual([bad, 400]);
    }
    expect((await sys.http.get('/articles/no-such-article/replies?asOf=2026-01-01T00:00:00Z').set('Authorization', moderator)).status).toBe(404);
  });
});
