import { randomBytes } from 'node:crypto';
import { eventually, startSystem, System, tokenFor } from './support/system';

/** Articles whose replies close by themselves, on a clock the test moves forward. */
let sys: System;
let admin: string;
let now = Date.now();
const DAY = 86_400_000;

beforeAll(async () => {
  sys = await startSystem({ clock: () => new Date(now), env: { AUTO_CLOSE_SWEEP_MS: '200' } });
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
});
afterAll(() => sys.stop());

const reader = () => `Bearer ${tokenFor(sys.config, 'reader', `r-${randomBytes(3).toString('hex')}`)}`;
const submit = (articleId: string) => sys.http.post(`/articles/${articleId}/replies`).set('Authorization', reader()).send({ body: `A reply ${randomBytes(3).toString('hex')}` });
const article = async (id: string) => (await sys.http.get(`/articles/${id}`).expect(200)).body;
const commitsOf = (streamId: string) => sys.db.collection('commits').countDocuments({ streamId });

describe('auto-close', () => {
  it('refuses replies from the closing time, then the timed job records the closing once; an admin can reopen', async () => {
    const id = `closing-${randomBytes(3).toString('hex')}`;
    const publishedAt = now;
    await sys.http.post('/articles').set('Authorization', admin).send({ id, title: 'Closes', author: 'E', category: 'News', body: ['p'], settings: { autoCloseAfterDays: 2 } }).expect(202);
    const open = await eventually(async () => article(id));
    expect(open.replySettings).toMatchObject({ open: true, autoCloseAfterDays: 2 });
    expect(open.repliesCloseAt).toBe(new Date(publishedAt + 2 * DAY).toISOString());
    await submit(id).expect(202);

    now = publishedAt + 2 * DAY - 1_000;
    await submit(id).expect(202);
    now = publishedAt + 2 * DAY;
    // Submissions only: verdicts on earlier replies keep adding commits to their streams.
    const replies = await sys.db.collection('commits').countDocuments({ streamId: { $regex: '^reply-' }, version: 1 });
    const refused = await submit(id).expect(422);
    // Refused by the closing time, or by the closing the timed job may already have recorded at this clock.
    expect(refused.body.detail).toMatch(/^replies (are closed on this article$|closed on this article 2 days after it was published$)/);
    expect(await sys.db.collection('commits').countDocuments({ streamId: { $regex: '^reply-' }, version: 1 })).toBe(replies);

    const closed = await eventually(async () => {
      const a = await article(id);
      expect(a.replySettings.open).toBe(false);
      return a;
    });
    expect(closed.repliesCloseAt).toBeNull();
    await new Promise((r) => setTimeout(r, 600)); // more sweeps: nothing more recorded
    expect(await commitsOf(`article-${id}`)).toBe(2);
    const last = await sys.db.collection('commits').findOne({ streamId: `article-${id}`, version: 2 });
    expect(last?.events[0]).toMatchObject({ type: 'article.auto-closed', data: { articleId: id, afterDays: 2 } });
    expect(last?.metadata.actor).toMatchObject({ kind: 'system', id: 'auto-close' });

    // Reopened with no closing time: replies are accepted again, and stay so.
    const etag = (await sys.http.get(`/articles/${id}`).expect(200)).headers.etag;
    await sys.http.patch(`/articles/${id}/settings`).set('Authorization', admin).set('If-Match', etag).send({ open: true, autoCloseAfterDays: 0 }).expect(200);
    await submit(id).expect(202);
    await new Promise((r) => setTimeout(r, 600));
    expect((await article(id)).replySettings.open).toBe(true);
  });

  it('refuses a bad closing time with the field named', async () => {
    for (const bad of [-1, 1.5, '2', null, 3651, [2], { $gt: 0 }]) {
      const res = await sys.http.post('/articles').set('Authorization', admin).send({ title: `Bad ${randomBytes(3).toString('hex')}`, author: 'E', category: 'News', body: ['p'], settings: { autoCloseAfterDays: bad } });
      expect([bad, res.status]).toEqual([bad, 400]);
      expect(JSON.stringify(res.body.errors)).toContain('autoCloseAfterDays');
    }
  });
});
