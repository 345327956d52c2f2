import { ArticleViewProjection, ProjectionRunner } from '@app/read-models';
import { eventually, SEED_ARTICLE_ID, startSystem, System, tokenFor } from './support/system';

/** A projection bug that throws on one kind of text until it is "fixed" by flipping a flag. */
function poison(sys: System) {
  const runner = sys.worker!.consumers.map((c) => c.handler as ProjectionRunner).find((r) => r.projection instanceof ArticleViewProjection)!;
  const projection = runner.projection as ArticleViewProjection;
  const apply = projection.apply.bind(projection);
  const bug = { on: true };
  projection.apply = async (at, store) => {
    if (bug.on && JSON.stringify(at.event.data).includes('poison pill')) throw new TypeError('cannot read the poison pill');
    return apply(at, store);
  };
  return bug;
}

describe('an event that keeps failing', () => {
  let sys: System;
  let admin: string;
  let reader: string;
  beforeAll(async () => {
    sys = await startSystem();
    admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
    reader = `Bearer ${tokenFor(sys.config, 'reader', 'rhea', 'Rhea')}`;
  });
  afterAll(() => sys.stop());

  const stats = async (id: string) => (await sys.http.get(`/articles/${id}`).expect(200)).body.stats;
  const post = (article: string, body: string) => sys.http.post(`/articles/${article}/replies`).set('Authorization', reader).send({ body }).expect(202);

  it('is parked with its article; the article waits behind it in order, others flow; an admin retries it after the fix', async () => {
    await sys.http.post('/articles').set('Authorization', admin).send({ id: 'poisoned', title: 'Poisoned', author: 'E', category: 'News', body: ['p'] }).expect(202);
    await eventually(async () => expect(await stats('poisoned')).toMatchObject({ submitted: 0 }));
    const bug = poison(sys);

    await post('poisoned', 'a poison pill');
    await post('poisoned', 'a reply after it');
    await post(SEED_ARTICLE_ID, 'meanwhile, elsewhere');

    // Other articles keep flowing, and so do the other projections of this article.
    await eventually(async () => expect(await stats(SEED_ARTICLE_ID)).toMatchObject({ submitted: 1, replies: 1 }));
    await eventually(async () => expect((await sys.http.get('/articles/poisoned/replies').expect(200)).body.items).toHaveLength(2));
    const letters = await eventually(async () => {
      const res = await sys.http.get('/admin/dead-letters?status=parked').set('Authorization', admin).expect(200);
      expect(res.body.items).toHaveLength(1);
      return res.body.items;
    });
    expect(letters[0]).toMatchObject({ consumer: 'article-views@2', articleId: 'poisoned', status: 'parked', attempts: 3 });
    expect(letters[0].error).toContain('poison pill');
    // The reply after the poisoned one waits behind it: the article's counts have neither.
    expect(await stats('poisoned')).toMatchObject({ submitted: 0, replies: 0 });
    const health = (await sys.http.get('/health').expect(200)).body;
    expect(health.status).toBe('degraded');
    expect(health.details.consumers.status).toBe('degraded');
    expect(health.details.consumers['article-views@2'].parked).toEqual([expect.objectContaining({ partition: 'poisoned', deadLetterId: letters[0].id })]);

    // A retry while the bug is still there fails again and stays parked.
    await sys.http.post(`/admin/dead-letters/${letters[0].id}/retry`).set('Authorization', admin).expect(202);
    await eventually(async () => {
      const [letter] = (await sys.http.get('/admin/dead-letters').set('Authorization', admin).expect(200)).body.items;
      expect(letter).toMatchObject({ status: 'parked', attempts: 6 });
    });
    expect(await stats('poisoned')).toMatchObject({ submitted: 0 });

    bug.on = false;
    await sys.http.post(`/admin/dead-letters/${letters[0].id}/retry`).set('Authorization', admin).expect(202);
    await eventually(async () => expect(await stats('poisoned')).toMatchObject({ submitted: 2, replies: 2 }));
    const [resolved] = (await sys.http.get('/admin/dead-letters').set('Authorization', admin).expect(200)).body.items;
    expect(resolved).toMatchObject({ id: letters[0].id, status: 'resolved' });
    await eventually(async () => expect((await sys.http.get('/health').expect(200)).body.details.consumers.status).toBe('up'));
    // Later replies to the article flow again, counted once.
    await post('poisoned', 'and one more');
    await eventually(async () => expect(await stats('poisoned')).toMatchObject({ submitted: 3, replies: 3 }));
    await sys.http.post(`/admin/dead-letters/${letters[0].id}/retry`).set('Authorization', admin).expect(409);
  });

  it('dead letters are for admins only, with clear errors for bad ids', async () => {
    const moderator = `Bearer ${tokenFor(sys.config, 'moderator')}`;
    for (const [auth, status] of [[undefined, 401], [reader, 403], [moderator, 403], [admin, 200]] as const) {
      const list = sys.http.get('/admin/dead-letters');
      if (auth) list.set('Authorization', auth);
      expect((await list).status).toBe(status);
      const retry = sys.http.post('/admin/dead-letters/thread@1.999999/retry');
      if (auth) retry.set('Authorization', auth);
      expect((await retry).status).toBe(status === 200 ? 404 : status);
    }
    for (const bad of ['..%2F..%2Fetc', 'thread@1', '%24gt', 'x'.repeat(200)]) {
      const res = await sys.http.post(`/admin/dead-letters/${bad}/retry`).set('Authorization', admin);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await sys.http.get('/admin/dead-letters?status=%7B%22%24ne%22%3A1%7D').set('Authorization', admin)).status).toBe(400);
    expect((await sys.http.get('/admin/dead-letters?status=parked&extra=1').set('Authorization', admin)).status).toBe(400);
  });
});
