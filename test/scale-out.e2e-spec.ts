import { EventStoreCollections, LogChunkDocument } from '@app/event-store';
import { eventually, startSystem, System, tokenFor, uniqueName } from './support/system';

describe('two API-and-worker instances on one store and one Redis', () => {
  let one: System;
  let two: System;

  beforeAll(async () => {
    const database = uniqueName('scale');
    const prefix = uniqueName('scale');
    one = await startSystem({ database, env: { QUEUE_PREFIX: prefix } });
    two = await startSystem({ database, env: { QUEUE_PREFIX: prefix } });
  });
  afterAll(async () => {
    await Promise.all([one.stop(), two.stop()]);
  });

  it('keep one writer each for the log and every view: dense positions, every reply once', async () => {
    const admin = `Bearer ${tokenFor(one.config, 'admin')}`;
    await one.http.post('/articles').set('Authorization', admin).send({ id: 'shared', title: 'Shared', author: 'E', category: 'News', body: ['p'] }).expect(202);
    const reader = `Bearer ${tokenFor(one.config, 'reader')}`;
    const ids = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const via = i % 2 ? one : two;
        return (await via.http.post('/articles/shared/replies').set('Authorization', reader).send({ body: `r${i}` }).expect(202)).body.id as string;
      }),
    );
    await eventually(async () => {
      const article = (await two.http.get('/articles/shared').expect(200)).body;
      expect(article.stats).toMatchObject({ replies: 60, submitted: 60 });
      const items = (await one.http.get('/articles/shared/replies?limit=100').expect(200)).body.items as { id: string }[];
      expect(items.map((i) => i.id).sort()).toEqual([...ids].sort());
    }, 30_000);

    const chunks = await one.db.collection<LogChunkDocument>(EventStoreCollections.logChunks).find({}).toArray();
    const positions = chunks.flatMap((p) => p.entries.map((e) => e.position)).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: positions.length }, (_, i) => i + 1));
    const commits = await one.db.collection(EventStoreCollections.commits).countDocuments({});
    expect(positions).toHaveLength(commits);
  });

  it('an erasure through one instance is heard by the other: the reader comes back there as a new commenter at once', async () => {
    const reader = `Bearer ${tokenFor(one.config, 'reader', 'returning-reader', 'Rhea')}`;
    const first = (await one.http.post('/articles/shared/replies').set('Authorization', reader).send({ body: 'before' }).expect(202)).body.id as string;
    // Instance two knows the reader (their commenter id and key are in its caches now).
    const before = (await two.http.post('/articles/shared/replies').set('Authorization', reader).send({ body: 'also before' }).expect(202)).body.id as string;
    await one.http.delete('/me').set('Authorization', reader).expect(202);
    await eventually(async () => {
      const res = await two.http.post('/articles/shared/replies').set('Authorization', reader).send({ body: 'back again' }).expect(202);
      const after = res.body.id as string;
      const mine = await two.http.get('/me/data').set('Authorization', reader).expect(200);
      expect(mine.body.replies.map((r: { id: string }) => r.id)).not.toContain(before);
      await eventually(async () => {
        const detail = await one.http.get(`/replies/${after}`).expect(200);
        expect(detail.body).toMatchObject({ status: 'published', body: 'back again', author: { name: 'Rhea' } });
      });
    });
    await eventually(async () => {
      for (const id of [first, before]) expect((await two.http.get(`/replies/${id}`).expect(200)).body.status).toBe('removed');
    }, 30_000);
  });
});
