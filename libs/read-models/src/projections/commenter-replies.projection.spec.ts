import { ReplyEvent } from '@app/domain';
import { COMMENTER_BUCKET_SIZE, ViewCollections } from '../versions';
import { CommenterMeta, CommenterReactions, CommenterReplies, CommenterRepliesProjection } from './commenter-replies.projection';
import { Documents, entry, project, resetPositions, submitted } from './testing';

const projection = new CommenterRepliesProjection();
const by = (author: string, id: string) => entry(`reply-${id}`, 1, submitted({ replyId: id, author: { kind: 'reader', id: author, name: 'N' } }));
const meta = (docs: Documents, id: string) => docs.get(`${ViewCollections.commenterMeta}/${id}`) as CommenterMeta;
const bucket = (docs: Documents, id: string, n: number) => docs.get(`${ViewCollections.commenterReplies}/${id}/${n}`) as CommenterReplies | undefined;

beforeEach(resetPositions);

describe('CommenterRepliesProjection', () => {
  it('given replies by two commenters, then each one\'s list in log order, ids only', async () => {
    const docs = await project(projection, [by('c1', 'r1'), by('c2', 'r2'), by('c1', 'r3')]);
    expect(bucket(docs, 'c1', 0)!.replies).toEqual([{ replyId: 'r1', articleId: 'a1' }, { replyId: 'r3', articleId: 'a1' }]);
    expect(meta(docs, 'c1')).toMatchObject({ replies: 2, lastBucket: 0, lastBucketSize: 2, erasedAt: null });
    expect(JSON.stringify([...docs.values()])).not.toContain('text of');
  });

  it('given more replies than a bucket holds, then the list goes on in the next bucket', async () => {
    const entries = Array.from({ length: COMMENTER_BUCKET_SIZE + 2 }, (_, i) => by('c1', `r${i}`));
    const docs = await project(projection, entries);
    expect(bucket(docs, 'c1', 0)!.replies).toHaveLength(COMMENTER_BUCKET_SIZE);
    expect(bucket(docs, 'c1', 1)!.replies.map((r) => r.replyId)).toEqual([`r${COMMENTER_BUCKET_SIZE}`, `r${COMMENTER_BUCKET_SIZE + 1}`]);
    expect(meta(docs, 'c1')).toMatchObject({ replies: COMMENTER_BUCKET_SIZE + 2, lastBucket: 1, lastBucketSize: 2 });
  });

  it('given the same events again (a replay after a crash), then nothing is listed twice', async () => {
    const entries = Array.from({ length: COMMENTER_BUCKET_SIZE + 1 }, (_, i) => by('c1', `r${i}`));
    const once = await project(projection, entries);
    const twice = await project(projection, entries, once);
    expect(twice).toEqual(once);
    // A crash after the buckets were written, before the meta document: the same again.
    const withoutMeta = new Map([...once].filter(([k]) => !k.startsWith(ViewCollections.commenterMeta)));
    const firstRun = await project(projection, entries.slice(0, 1));
    withoutMeta.set(`${ViewCollections.commenterMeta}/c1`, firstRun.get(`${ViewCollections.commenterMeta}/c1`)!);
    const replayed = await project(projection, entries.slice(1), withoutMeta);
    expect(meta(replayed, 'c1')).toMatchObject({ replies: COMMENTER_BUCKET_SIZE + 1, lastBucket: 1 });
    expect(bucket(replayed, 'c1', 0)!.replies).toHaveLength(COMMENTER_BUCKET_SIZE);
    expect(bucket(replayed, 'c1', 1)!.replies).toHaveLength(1);
  });

  it('given an erasure, then the commenter is marked erased and keeps their list', async () => {
    const erased: ReplyEvent | { type: 'commenter.erased'; schemaVersion: 1; data: object } = { type: 'commenter.erased', schemaVersion: 1, data: { commenterId: 'c1', requestedBy: 'commenter', reason: 'r', erasedAt: 'X' } };
    const docs = await project(projection, [by('c1', 'r1'), entry('commenter-c1', 1, erased as never)]);
    expect(meta(docs, 'c1')).toMatchObject({ replies: 1, erasedAt: 'X' });
    expect(bucket(docs, 'c1', 0)!.replies).toHaveLength(1);
  });

  it('given reactions, then each reply a commenter reacted to is listed once, at their stream\'s first event, with their replies kept apart', async () => {
    const reacted = (commenterId: string, replyId: string, version = 1, type = 'like', off = false) =>
      entry(`reaction-${replyId}-${commenterId}`, version, { type: off ? 'reply.unreacted' : 'reply.reacted', schemaVersion: 1, data: { replyId, articleId: 'a1', commenterId, type, at: 'X' } } as never);
    const reactions = (docs: Documents, id: string, n: number) => docs.get(`${ViewCollections.commenterReactions}/${id}/${n}`) as CommenterReactions | undefined;
    const entries = [reacted('c1', 'r9'), by('c1', 'r1'), reacted('c1', 'r9', 2, 'funny'), reacted('c1', 'r9', 3, 'like', true), reacted('c1', 'r9', 4), reacted('c1', 'r8'), reacted('c2', 'r9'), by('c1', 'r2')];
    const docs = await project(projection, entries);
    expect(reactions(docs, 'c1', 0)!.replies).toEqual([{ replyId: 'r9', articleId: 'a1' }, { replyId: 'r8', articleId: 'a1' }]);
    expect(meta(docs, 'c1')).toMatchObject({ replies: 2, lastBucket: 0, lastBucketSize: 2, reactedTo: 2, lastReactionBucket: 0, lastReactionBucketSize: 2 });
    expect(bucket(docs, 'c1', 0)!.replies.map((r) => r.replyId)).toEqual(['r1', 'r2']);
    expect(meta(docs, 'c2')).toMatchObject({ replies: 0, reactedTo: 1 });
    expect(await project(projection, entries, docs)).toEqual(docs);
    // A crash after the reactions bucket, before the meta: the replay lists nothing twice.
    const first = await project(projection, entries.slice(0, 5));
    const next = await project(projection, entries.slice(5, 6), first);
    const crashed = new Map(next);
    crashed.set(`${ViewCollections.commenterMeta}/c1`, first.get(`${ViewCollections.commenterMeta}/c1`)!);
    expect(await project(projection, entries.slice(5, 6), crashed)).toEqual(next);
  });

  it('given a reaction stream whose version 1 was filled as abandoned, then its first reaction (marked first) is listed', async () => {
    const stream = 'reaction-r7-c3';
    const filler = entry(stream, 1, { type: 'append.abandoned', schemaVersion: 1, data: { commitId: `${stream}:1` } } as never);
    const first = entry(stream, 2, { type: 'reply.reacted', schemaVersion: 1, data: { replyId: 'r7', articleId: 'a1', commenterId: 'c3', type: 'like', at: 'X', first: true } } as never);
    const again = entry(stream, 3, { type: 'reply.reacted', schemaVersion: 1, data: { replyId: 'r7', articleId: 'a1', commenterId: 'c3', type: 'funny', at: 'X' } } as never);
    const docs = await project(projection, [filler, first, again]);
    expect(docs.get(`${ViewCollections.commenterReactions}/c3/0`)).toMatchObject({ replies: [{ replyId: 'r7', articleId: 'a1' }] });
    expect(meta(docs, 'c3')).toMatchObject({ reactedTo: 1 });
  });
});
