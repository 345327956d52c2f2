import { THREAD_BUCKET_SIZE, ViewCollections } from '../versions';
import { ThreadBucket, ThreadMeta, ThreadTop } from './documents';
import { entry, project, resetPositions, submitted } from './testing';
import { ThreadProjection } from './thread.projection';

const projection = new ThreadProjection();
const bucket = (docs: Map<string, unknown>, n: number) => docs.get(`${ViewCollections.threadBuckets}/a1/${n}`) as ThreadBucket;
const meta = (docs: Map<string, unknown>) => docs.get(`${ViewCollections.threadMeta}/a1`) as ThreadMeta;
const top = (docs: Map<string, unknown>) => (docs.get(`${ViewCollections.threadTop}/a1`) as ThreadTop | undefined)?.top ?? [];

beforeEach(resetPositions);

describe('ThreadProjection', () => {
  it('given top-level replies, then one bucket in submission order', async () => {
    const docs = await project(projection, [entry('reply-r1', 1, submitted({ replyId: 'r1' })), entry('reply-r2', 1, submitted({ replyId: 'r2' }))]);
    expect(bucket(docs, 0).items.map((i) => i.id)).toEqual(['r1', 'r2']);
    expect(meta(docs)).toMatchObject({ lastBucket: 0, lastBucketSize: 2, position: 2 });
  });

  it('given a reply to a reply, then it nests under its parent and counts on every ancestor', async () => {
    const docs = await project(projection, [
      entry('reply-r1', 1, submitted({ replyId: 'r1' })),
      entry('reply-r2', 1, submitted({ replyId: 'r2', parentId: 'r1', rootId: 'r1' })),
      entry('reply-r3', 1, submitted({ replyId: 'r3', parentId: 'r2', rootId: 'r1', depth: 3 })),
    ]);
    const [root] = bucket(docs, 0).items;
    expect(root).toMatchObject({ id: 'r1', replyCount: 2, replies: [{ id: 'r2', replyCount: 1, replies: [{ id: 'r3', replyCount: 0 }] }] });
    expect(top(docs)).toEqual([expect.objectContaining({ id: 'r1', score: 2 })]);
  });

  it('given an edit and a retraction, then the summary shows the new text and a bodiless retracted reply', async () => {
    const docs = await project(projection, [
      entry('reply-r1', 1, submitted({ replyId: 'r1' })),
      entry('reply-r2', 1, submitted({ replyId: 'r2', parentId: 'r1', rootId: 'r1' })),
      entry('reply-r1', 2, { type: 'reply.edited', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', body: 'new', previousBody: 'old', editedAt: 'E' } }),
      entry('reply-r2', 2, { type: 'reply.retracted', schemaVersion: 1, data: { replyId: 'r2', articleId: 'a1', retractedAt: 'R', previousStatus: 'published' } }),
    ]);
    const [root] = bucket(docs, 0).items;
    expect(root).toMatchObject({ body: 'new', editedAt: 'E', replyCount: 0, replies: [{ id: 'r2', body: '', status: 'retracted' }] });
    expect(top(docs)).toEqual([expect.objectContaining({ id: 'r1', score: 0 })]);
  });

  it('given more top-level replies than a bucket holds, then a second bucket starts', async () => {
    const entries = Array.from({ length: THREAD_BUCKET_SIZE + 1 }, (_, i) => entry(`reply-r${i}`, 1, submitted({ replyId: `r${i}` })));
    const docs = await project(projection, entries);
    expect(bucket(docs, 0).items).toHaveLength(THREAD_BUCKET_SIZE);
    expect(bucket(docs, 1).items.map((i) => i.id)).toEqual([`r${THREAD_BUCKET_SIZE}`]);
    expect(meta(docs)).toMatchObject({ lastBucket: 1, lastBucketSize: 1 });
  });

  it('given the same events again, then nothing changes', async () => {
    const entries = [entry('reply-r1', 1, submitted({ replyId: 'r1' })), entry('reply-r2', 1, submitted({ replyId: 'r2', parentId: 'r1', rootId: 'r1' }))];
    const once = await project(projection, entries);
    const twice = await project(projection, entries, once);
    expect(twice).toEqual(once);
  });

  it('given a crash that wrote the bucket but not the meta, then the replay places nothing twice', async () => {
    const first = entry('reply-r1', 1, submitted({ replyId: 'r1' }));
    const done = await project(projection, [first]);
    const crashed = new Map(done);
    crashed.delete(`${ViewCollections.threadMeta}/a1`);
    const replayed = await project(projection, [first], crashed);
    expect(replayed).toEqual(done);
  });

  it('given replies beneath roots, then top ranks by them, older first among equals', async () => {
    const docs = await project(projection, [
      entry('reply-r1', 1, submitted({ replyId: 'r1', submittedAt: '2026-01-01T00:00:01.000Z' })),
      entry('reply-r2', 1, submitted({ replyId: 'r2', submittedAt: '2026-01-01T00:00:02.000Z' })),
      entry('reply-r3', 1, submitted({ replyId: 'r3', submittedAt: '2026-01-01T00:00:03.000Z' })),
      entry('reply-r4', 1, submitted({ replyId: 'r4', submittedAt: '2026-01-01T00:00:04.000Z' })),
      entry('reply-c1', 1, submitted({ replyId: 'c1', parentId: 'r3', rootId: 'r3' })),
      entry('reply-c2', 1, submitted({ replyId: 'c2', parentId: 'c1', rootId: 'r3', depth: 3 })),
      entry('reply-c3', 1, submitted({ replyId: 'c3', parentId: 'r2', rootId: 'r2' })),
    ]);
    expect(top(docs).map((t) => [t.id, t.score])).toEqual([['r3', 2], ['r2', 1], ['r1', 0], ['r4', 0]]);
  });

  it('given a held reply, then it is kept but not ranked', async () => {
    const docs = await project(projection, [entry('reply-r1', 1, submitted({ replyId: 'r1', status: 'pending' }))]);
    expect(bucket(docs, 0).items[0].status).toBe('pending');
    expect(top(docs)).toEqual([]);
  });
});
