import { SEED_ARTICLE_ID, eventually, startSystem, uniqueName } from './support/system';

describe('the seed article', () => {
  it('is published once however often, and however concurrently, the system starts', async () => {
    const database = uniqueName('seed');
    const first = await startSystem({ database, worker: false });
    await first.stop();
    const [second, third] = await Promise.all([startSystem({ database }), startSystem({ database, worker: false })]);
    try {
      const commits = await second.db.collection('commits').countDocuments({ streamId: `article-${SEED_ARTICLE_ID}` });
      expect(commits).toBe(1);
      const list = await eventually(async () => {
        const body = (await second.http.get('/articles').expect(200)).body;
        expect(body.items).toHaveLength(1);
        return body;
      });
      expect(list.items[0]).toMatchObject({ id: SEED_ARTICLE_ID, author: 'Morgan White', category: 'News', replySettings: { guestsAllowed: true, moderation: 'post' } });
      const article = (await second.http.get(`/articles/${SEED_ARTICLE_ID}`).expect(200)).body;
      expect(article.body.length).toBeGreaterThan(20);
      expect((await second.http.get(`/articles/${SEED_ARTICLE_ID}/replies`).expect(200)).body).toEqual({ items: [], nextCursor: null });
      const openApi = (await second.http.get('/docs-json').expect(200)).body;
      expect(Object.keys(openApi.paths)).toEqual(expect.arrayContaining(['/articles', '/articles/{id}/replies', '/replies/{id}', '/health']));
    } finally {
      await Promise.all([second.stop(), third.stop()]);
    }
  });
});
