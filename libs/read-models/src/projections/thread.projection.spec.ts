import { FlagEvent, FlagPolicy, ReactionEvent, ReactionType, ReplyEvent, ReplyStatus, ReplySubmitted } from '@app/domain';
import { LogEntry } from '@app/event-store';
import { BSON } from 'mongodb';
import { PREVIEW_SIZE, THREAD_BUCKET_SIZE, ViewCollections } from '../versions';
import { ThreadBucket, ThreadChildren, ThreadChildrenMeta, ThreadIndexEntry, ThreadMeta, ThreadTop } from './documents';
import { UnappliableEventError } from './errors';
import { Documents, entry, project, resetPositions, submitted } from './testing';
import { ThreadProjection } from './thread.projection';
import { visibleItem } from '../queries/thread.reader';

const projection = new ThreadProjection();
const C = ViewCollections;
const bucket = (docs: Documents, n: number) => docs.get(`${C.threadBuckets}/a1/${n}`) as ThreadBucket;
const children = (docs: Documents, parentId: string, n = 0) => docs.get(`${C.threadChildren}/${parentId}/${n}`) as ThreadChildren | undefined;
const meta = (docs: Documents) => docs.get(`${C.threadMeta}/a1`) as ThreadMeta;
const index = (docs: Documents, id: string) => docs.get(`${C.threadIndex}/${id}`) as ThreadIndexEntry;
const top = (docs: Documents) => (docs.get(`${C.threadTop}/a1`) as ThreadTop | undefined)?.top ?? [];

const root = (id: string, over: Partial<ReplySubmitted['data']> = {}) =>
  entry(`reply-${id}`, 1, submitted({ replyId: id, ...over }));
/** A reply to `parentId` in the thread of `rootId`, `depth` deep. */
const nested = (id: string, parentId: string, rootId: string, depth = 2, status: 'published' | 'pending' = 'published') =>
  entry(`reply-${id}`, 1, submitted({ replyId: id, parentId, rootId, depth, status }));
const edited = (id: string, body: string, version = 2) =>
  entry(`reply-${id}`, version, { type: 'reply.edited', schemaVersion: 1, data: { replyId: id, articleId: 'a1', body, previousBody: 'old', editedAt: 'E' } } as ReplyEvent);
const retracted = (id: string, previousStatus: ReplyStatus = 'published', version = 2) =>
  entry(`reply-${id}`, version, { type: 'reply.retracted', schemaVersion: 1, data: { replyId: id, articleId: 'a1', retractedAt: 'R', previousStatus } } as ReplyEvent);

/** Reader `by` reacts to (or, `off`, takes back a reaction from) reply `id`, in their own stream. */
const reaction = (id: string, by: string, type: ReactionType, version = 1, off = false) =>
  entry(`reaction-${id}-${by}`, version, { type: off ? 'reply.unreacted' : 'reply.reacted', schemaVersion: 1, data: { replyId: id, articleId: 'a1', commenterId: by, type, at: 'X' } } as ReactionEvent);

/** A verdict or a moderator's decision moving a reply from `previousStatus` to `status`. */
const moved = (id: string, status: ReplyStatus, previousStatus: ReplyStatus, version: number, type: 'reply.screened' | 'reply.moderated' = 'reply.screened') =>
  entry(`reply-${id}`, version, (type === 'reply.screened'
    ? { type, schemaVersion: 1, data: { replyId: id, articleId: 'a1', scoredVersion: version - 1, decision: 'publish', score: 0, reasons: [], features: {}, policyVersion: 0, modelVersion: null, status, previousStatus, screenedAt: 'S' } }
    : { type, schemaVersion: 1, data: { replyId: id, articleId: 'a1', action: 'approve', reason: null, status, previousStatus, decidedAt: 'D', batchId: null } }) as ReplyEvent);

/** The documents a crash leaves: collections up to `cut` written from `after`, the rest as `before`. */
function crashedAfter(cut: string, before: Documents, after: Documents): Documents {
  const written = projection.collections.slice(0, projection.collections.indexOf(cut as never) + 1);
  const inCollection = (key: string, cs: readonly string[]) => cs.some((c) => key.startsWith(`${c}/`));
  const out = new Map([...before].filter(([key]) => !inCollection(key, written)));
  for (const [key, doc] of after) if (inCollection(key, written)) out.set(key, doc);
  return out;
}

beforeEach(resetPositions);

describe('ThreadProjection', () => {
  it('given top-level replies, then one bucket in submission order', async () => {
    const docs = await project(projection, [root('r1'), root('r2')]);
    expect(bucket(docs, 0).items.map((i) => i.id)).toEqual(['r1', 'r2']);
    expect(meta(docs)).toMatchObject({ lastBucket: 0, lastBucketSize: 2, position: 2 });
    expect(index(docs, 'r2')).toMatchObject({ rootId: 'r2', parentId: null, ancestors: [], status: 'published', bucket: 0, unplaced: null });
  });

  it('given a reply to a reply, then each lives in its parent\'s children bucket, previewed and counted on every ancestor', async () => {
    const docs = await project(projection, [root('r1'), nested('r2', 'r1', 'r1'), nested('r3', 'r2', 'r1', 3)]);
    const [r1] = bucket(docs, 0).items;
    expect(r1).toEqual(expect.objectContaining({ id: 'r1', replyCount: 2, childCount: 1, preview: [expect.objectContaining({ id: 'r2', replyCount: 1 })] }));
    expect(r1.preview[0]).not.toHaveProperty('preview');
    expect(children(docs, 'r1')!.items).toEqual([expect.objectContaining({ id: 'r2', replyCount: 1, childCount: 1, preview: [expect.objectContaining({ id: 'r3', replyCount: 0 })] })]);
    expect(children(docs, 'r2')!.items).toEqual([expect.objectContaining({ id: 'r3', replyCount: 0, childCount: 0, preview: [] })]);
    expect(index(docs, 'r3')).toMatchObject({ rootId: 'r1', parentId: 'r2', ancestors: ['r1', 'r2'], bucket: 0 });
    expect(docs.get(`${C.threadChildrenMeta}/r2`)).toMatchObject({ lastBucket: 0, lastBucketSize: 1 });
    expect(top(docs)).toEqual([expect.objectContaining({ id: 'r1', score: 0, replies: 2 })]);
  });

  it('given replies nine deep, then a reply at the bottom counts on every ancestor and in every preview', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `d${i}`);
    const docs = await project(projection, [root('d0'), ...ids.slice(1).map((id, i) => nested(id, ids[i], 'd0', i + 2))]);
    expect(bucket(docs, 0).items[0]).toMatchObject({ replyCount: 9, preview: [{ id: 'd1', replyCount: 8 }] });
    for (let i = 1; i < 9; i++) {
      expect(children(docs, ids[i - 1])!.items[0]).toMatchObject({ id: ids[i], replyCount: 9 - i, preview: [{ id: ids[i + 1], replyCount: 8 - i }] });
    }
    const withdrawn = await project(projection, [retracted('d9')], docs);
    expect(bucket(withdrawn, 0).items[0]).toMatchObject({ replyCount: 8, preview: [{ id: 'd1', replyCount: 7 }] });
    expect(children(withdrawn, 'd7')!.items[0]).toMatchObject({ id: 'd8', replyCount: 0, preview: [{ id: 'd9', status: 'retracted', body: '' }] });
  });

  it('given an edit and a retraction, then the summary and the preview show the new text and a bodiless retracted reply', async () => {
    const docs = await project(projection, [root('r1'), nested('r2', 'r1', 'r1'), edited('r1', 'new'), moved('r1', 'published', 'published', 3), retracted('r2')]);
    const [r1] = bucket(docs, 0).items;
    expect(r1).toMatchObject({ body: 'new', editedAt: 'E', replyCount: 0, childCount: 1, preview: [{ id: 'r2', body: '', status: 'retracted' }] });
    expect(children(docs, 'r1')!.items[0]).toMatchObject({ id: 'r2', body: '', status: 'retracted' });
    expect(index(docs, 'r2').status).toBe('retracted');
    expect(top(docs)).toEqual([expect.objectContaining({ id: 'r1', score: 0 })]);
  });

  it('given an author erased, then their replies show removed with the name replaced, and replies to them stay', async () => {
    const erased = (id: string, previousStatus: ReplyStatus = 'published', version = 2) =>
      entry(`reply-${id}`, version, { type: 'reply.erased', schemaVersion: 1, data: { replyId: id, articleId: 'a1', commenterId: 'u', erasedAt: 'X', previousStatus } } as ReplyEvent);
    const docs = await project(projection, [root('r1', { body: 'secret' }), nested('r2', 'r1', 'r1'), nested('r3', 'r2', 'r1', 3), edited('r2', 'also secret'), erased('r1'), erased('r2', 'published', 3)]);
    const [r1] = bucket(docs, 0).items;
    expect(r1).toMatchObject({ body: '', status: 'removed', author: { name: '[removed]' }, replyCount: 1, preview: [{ id: 'r2', body: '', status: 'removed', author: { name: '[removed]' } }] });
    expect(children(docs, 'r2')!.items[0]).toMatchObject({ id: 'r3', status: 'published', body: 'text of r3' });
    expect(index(docs, 'r1').status).toBe('removed');
    expect(JSON.stringify([...docs.values()])).not.toMatch(/secret/);
  });

  it('given a reply checking, then nothing public until a publish verdict places and counts it', async () => {
    const waiting = await project(projection, [root('r1'), nested('r2', 'r1', 'r1', 2, 'checking' as never)]);
    expect(children(waiting, 'r1')).toBeUndefined();
    expect(bucket(waiting, 0).items[0]).toMatchObject({ replyCount: 0, childCount: 0 });
    expect(index(waiting, 'r2')).toMatchObject({ status: 'checking', bucket: null });
    const published = await project(projection, [moved('r2', 'published', 'checking', 2)], waiting);
    expect(children(published, 'r1')!.items[0]).toMatchObject({ id: 'r2', status: 'published' });
    expect(bucket(published, 0).items[0]).toMatchObject({ replyCount: 1, childCount: 1, preview: [{ id: 'r2' }] });
    expect(index(published, 'r2')).toMatchObject({ status: 'published', bucket: 0, unplaced: null });
  });

  it('given an edit of a published reply, then readers keep the old text until its verdict; hold hides it and uncounts it', async () => {
    const docs = await project(projection, [root('r1'), nested('r2', 'r1', 'r1'), edited('r2', 'second thoughts')]);
    expect(children(docs, 'r1')!.items[0]).toMatchObject({ body: 'text of r2', status: 'published' });
    expect(index(docs, 'r2').revision).toEqual({ body: 'second thoughts', editedAt: 'E' });
    const held = await project(projection, [moved('r2', 'pending', 'published', 3)], docs);
    expect(children(held, 'r1')!.items[0]).toMatchObject({ body: 'second thoughts', status: 'pending' });
    expect(bucket(held, 0).items[0]).toMatchObject({ replyCount: 0, preview: [{ id: 'r2', status: 'pending' }] });
    const approved = await project(projection, [moved('r2', 'published', 'pending', 4, 'reply.moderated')], held);
    expect(children(approved, 'r1')!.items[0]).toMatchObject({ body: 'second thoughts', status: 'published' });
    expect(bucket(approved, 0).items[0]).toMatchObject({ replyCount: 1 });
  });

  it('given a moderator taking a featured root down, then it leaves the top list, unfeatured', async () => {
    const featured = () => entry('reply-r1', 2, { type: 'reply.featured', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', featuredAt: 'F' } } as ReplyEvent);
    const docs = await project(projection, [root('r1'), nested('r2', 'r1', 'r1'), featured()]);
    expect(bucket(docs, 0).items[0].featured).toBe(true);
    const down = await project(projection, [moved('r1', 'spam', 'published', 3, 'reply.moderated')], docs);
    expect(bucket(down, 0).items[0]).toMatchObject({ status: 'spam', featured: false });
    expect(top(down)).toEqual([]);
  });

  it('given an edit of a nested reply past the preview, then only its own bucket changes', async () => {
    const before = await project(projection, [root('r1'), ...Array.from({ length: PREVIEW_SIZE + 1 }, (_, i) => nested(`c${i}`, 'r1', 'r1'))]);
    const after = await project(projection, [edited(`c${PREVIEW_SIZE}`, 'new'), moved(`c${PREVIEW_SIZE}`, 'published', 'published', 3)], before);
    expect(children(after, 'r1')!.items[PREVIEW_SIZE]).toMatchObject({ body: 'new', editedAt: 'E' });
    expect(bucket(after, 0)).toBe(bucket(before, 0));
  });

  it('given more top-level replies than a bucket holds, then a second bucket starts', async () => {
    const docs = await project(projection, Array.from({ length: THREAD_BUCKET_SIZE + 1 }, (_, i) => root(`r${i}`)));
    expect(bucket(docs, 0).items).toHaveLength(THREAD_BUCKET_SIZE);
    expect(bucket(docs, 1).items.map((i) => i.id)).toEqual([`r${THREAD_BUCKET_SIZE}`]);
    expect(meta(docs)).toMatchObject({ lastBucket: 1, lastBucketSize: 1 });
  });

  it('given more direct replies than a bucket holds, then the root previews the first few and its children go on in a second bucket', async () => {
    const docs = await project(projection, [root('r1'), ...Array.from({ length: THREAD_BUCKET_SIZE + 1 }, (_, i) => nested(`c${i}`, 'r1', 'r1'))]);
    const [r1] = bucket(docs, 0).items;
    expect(r1).toMatchObject({ replyCount: THREAD_BUCKET_SIZE + 1, childCount: THREAD_BUCKET_SIZE + 1 });
    expect(r1.preview.map((p) => p.id)).toEqual(['c0', 'c1', 'c2'].slice(0, PREVIEW_SIZE));
    expect(children(docs, 'r1', 0)!.items).toHaveLength(THREAD_BUCKET_SIZE);
    expect(children(docs, 'r1', 1)!.items.map((i) => i.id)).toEqual([`c${THREAD_BUCKET_SIZE}`]);
    expect(docs.get(`${C.threadChildrenMeta}/r1`) as ThreadChildrenMeta).toMatchObject({ lastBucket: 1, lastBucketSize: 1 });
    expect(index(docs, `c${THREAD_BUCKET_SIZE}`).bucket).toBe(1);
  });

  it('given the same events again, then nothing changes', async () => {
    const entries = [root('r1'), nested('r2', 'r1', 'r1'), retracted('r2')];
    const once = await project(projection, entries);
    const twice = await project(projection, entries, once);
    expect(twice).toEqual(once);
  });

  it('given a crash that wrote the buckets but not the index and the meta, then the replay places nothing twice', async () => {
    const first = root('r1');
    const done = await project(projection, [first]);
    const replayed = await project(projection, [first], crashedAfter(C.threadTop, new Map(), done));
    expect(replayed).toEqual(done);
  });

  it('given a crash between the bucket write and the top write, then the replay corrects top (a retracted root leaves it)', async () => {
    const before = await project(projection, [root('r1'), root('r2'), nested('c1', 'r1', 'r1')]);
    const retraction = retracted('r1');
    const after = await project(projection, [retraction], before);
    expect(top(after).map((t) => t.id)).toEqual(['r2']);
    // The buckets have the retraction; top is as it was before it.
    const crashed = new Map(after);
    crashed.set(`${C.threadTop}/a1`, before.get(`${C.threadTop}/a1`)!);
    expect(await project(projection, [retraction], crashed)).toEqual(after);
  });

  it('given a crash between the bucket write and the top write, then the replay rescores the root of a retracted nested reply', async () => {
    const before = await project(projection, [root('r1'), nested('c1', 'r1', 'r1'), nested('g1', 'c1', 'r1', 3)]);
    const retraction = retracted('g1');
    const after = await project(projection, [retraction], before);
    expect(top(after)).toEqual([expect.objectContaining({ id: 'r1', score: 0, replies: 1 })]);
    const crashed = new Map(after);
    crashed.set(`${C.threadTop}/a1`, before.get(`${C.threadTop}/a1`)!);
    expect(await project(projection, [retraction], crashed)).toEqual(after);
  });

  it('given a crash after any collection while applying any event, then the replay ends as a clean run', async () => {
    const entries: LogEntry[] = [
      root('r1'), root('r2'), nested('c1', 'r1', 'r1'), nested('c2', 'r1', 'r1'), nested('g1', 'c1', 'r1', 3),
      nested('h1', 'r2', 'r2', 2, 'pending'), nested('h2', 'h1', 'r2', 3), edited('c1', 'changed'), retracted('g1'),
      retracted('h1', 'pending'), retracted('r1'), root('r3', { status: 'pending' }), ...Array.from({ length: 4 }, (_, i) => nested(`k${i}`, 'r2', 'r2')),
      // Moderation: placed by a verdict, an edit waiting, held, approved, taken down.
      root('m1', { status: 'checking' }), nested('m2', 'm1', 'm1', 2, 'checking' as never), moved('m1', 'published', 'checking', 2), moved('m2', 'published', 'checking', 2),
      edited('m2', 'again', 3), moved('m2', 'pending', 'published', 4), moved('m2', 'published', 'pending', 5, 'reply.moderated'), moved('m1', 'rejected', 'published', 3, 'reply.moderated'),
      moved('m1', 'published', 'rejected', 4, 'reply.moderated'),
      // Reactions: on a root (moves top), on a nested reply in a preview, on a held one, taken back.
      reaction('r2', 'bob', 'like'), reaction('k0', 'bob', 'funny'), reaction('h2', 'eve', 'like'), reaction('r2', 'bob', 'like', 2, true),
      reaction('m1', 'eve', 'insightful'), reaction('r2', 'eve', 'like'),
    ];
    let before: Documents = new Map();
    for (const e of entries) {
      const after = await project(projection, [e], before);
      for (const cut of projection.collections) {
        const replayed = await project(projection, [e], crashedAfter(cut, before, after));
        expect({ at: e.commitId, cut, docs: replayed }).toEqual({ at: e.commitId, cut, docs: after });
      }
      before = after;
    }
  });

  it('given replies beneath roots and no reactions, then top ranks by replies, older first among equals', async () => {
    const docs = await project(projection, [
      root('r1', { submittedAt: '2026-01-01T00:00:01.000Z' }),
      root('r2', { submittedAt: '2026-01-01T00:00:02.000Z' }),
      root('r3', { submittedAt: '2026-01-01T00:00:03.000Z' }),
      root('r4', { submittedAt: '2026-01-01T00:00:04.000Z' }),
      nested('c1', 'r3', 'r3'),
      nested('c2', 'c1', 'r3', 3),
      nested('c3', 'r2', 'r2'),
    ]);
    expect(top(docs).map((t) => [t.id, t.score, t.replies])).toEqual([['r3', 0, 2], ['r2', 0, 1], ['r1', 0, 0], ['r4', 0, 0]]);
  });

  it('given a held reply, then it stays out of the public buckets and top, kept whole in its index entry', async () => {
    const docs = await project(projection, [root('r1', { status: 'pending' }), root('r2'), nested('h1', 'r2', 'r2', 2, 'pending')]);
    expect(bucket(docs, 0).items.map((i) => i.id)).toEqual(['r2']);
    expect(bucket(docs, 0).items[0]).toMatchObject({ replyCount: 0, childCount: 0, preview: [] });
    expect(children(docs, 'r2')).toBeUndefined();
    expect(index(docs, 'r1')).toMatchObject({ status: 'pending', bucket: null, unplaced: { id: 'r1', body: 'text of r1', status: 'pending' } });
    expect(meta(docs)).toMatchObject({ lastBucket: 0, lastBucketSize: 1 });
    expect(top(docs).map((t) => t.id)).toEqual(['r2']);
    const later = await project(projection, [edited('h1', 'second thoughts'), retracted('h1', 'pending', 3)], docs);
    expect(index(later, 'h1')).toMatchObject({ status: 'retracted', bucket: null, unplaced: { body: '', status: 'retracted' } });
    expect(bucket(later, 0)).toBe(bucket(docs, 0));
  });

  it('given a published reply beneath a held one, then the held one counts it and nothing above it does', async () => {
    const docs = await project(projection, [root('r1'), nested('h1', 'r1', 'r1', 2, 'pending'), nested('c1', 'h1', 'r1', 3)]);
    expect(children(docs, 'h1')!.items.map((i) => i.id)).toEqual(['c1']);
    expect(index(docs, 'h1').unplaced).toMatchObject({ replyCount: 1, childCount: 1, preview: [{ id: 'c1' }] });
    expect(bucket(docs, 0).items[0]).toMatchObject({ replyCount: 0, childCount: 0 });
    expect(top(docs)).toEqual([expect.objectContaining({ id: 'r1', score: 0 })]);
  });

  it('given a reply whose parent never reached the thread, then it refuses the event', async () => {
    await expect(project(projection, [nested('c1', 'nowhere', 'nowhere')])).rejects.toThrow(UnappliableEventError);
    await expect(project(projection, [root('r1'), nested('c1', 'r1', 'another-root')])).rejects.toThrow(/another thread/);
  });

  it('given an edit or a retraction of a reply the thread never had, then it refuses the event', async () => {
    await expect(project(projection, [edited('ghost', 'boo')])).rejects.toThrow(UnappliableEventError);
    await expect(project(projection, [retracted('ghost')])).rejects.toThrow(UnappliableEventError);
  });

  it('given a long author name, then the thread keeps its first 100 characters', async () => {
    const docs = await project(projection, [entry('reply-r1', 1, submitted({ replyId: 'r1', author: { kind: 'reader', id: 'u', name: '😀'.repeat(150) } }))]);
    expect([...bucket(docs, 0).items[0].author.name]).toHaveLength(100);
  });
});

describe('ThreadProjection: hidden by readers\' flags', () => {
  const hiding: FlagPolicy = { version: 2, flagThreshold: 2, hideAtThreshold: true };
  const reporting: FlagPolicy = { version: 1, flagThreshold: 2, hideAtThreshold: false };
  /** Reader `by` flags reply `id` under `policy` (null: a flag from before the policy stream), in their own stream. */
  const flagged = (id: string, by: string, policy: FlagPolicy | null = hiding) =>
    entry(`flag-${id}-${by}`, 1, { type: 'reply.flagged', schemaVersion: 1, data: { replyId: id, articleId: 'a1', commenterId: by, reason: 'abuse', note: null, flaggedAt: 'F', ...(policy ? { policy } : {}) } } as FlagEvent);
  /** What readers get of the first bucket: its visible items and their visible replies. */
  const seen = (docs: Documents) => bucket(docs, 0).items.map(visibleItem).filter((i) => i !== null).map((i) => [i.id, i.replyCount, i.replies.map((r) => r.id)]);
  const thread = () => [root('r1'), nested('c1', 'r1', 'r1'), nested('c2', 'r1', 'r1'), root('r2')];

  it('given a policy that hides at 2 and two flags, then the reply is out of what readers see and count, its place kept', async () => {
    const docs = await project(projection, [...thread(), flagged('c1', 'bob'), flagged('c1', 'eve'), flagged('r2', 'bob'), flagged('r2', 'eve')]);
    expect(bucket(docs, 0).items[0]).toMatchObject({ id: 'r1', replyCount: 1, childCount: 2, preview: [{ id: 'c1', status: 'published', hiddenByFlags: true }, { id: 'c2' }] });
    expect(children(docs, 'r1')!.items[0]).toMatchObject({ id: 'c1', status: 'published', hiddenByFlags: true });
    expect(bucket(docs, 0).items[1]).toMatchObject({ id: 'r2', hiddenByFlags: true });
    expect(index(docs, 'c1')).toMatchObject({ status: 'published', bucket: 0, flags: { flags: 2, hidden: true } });
    expect(top(docs).map((t) => [t.id, t.replies])).toEqual([['r1', 1]]);
    expect(seen(docs)).toEqual([['r1', 1, ['c2']]]);
  });

  it('given one flag under the hiding policy, or any number under one that does not hide, then nothing is hidden, the flags counted', async () => {
    const one = await project(projection, [...thread(), flagged('c1', 'bob')]);
    const many = await project(projection, [...thread(), flagged('c1', 'bob', reporting), flagged('c1', 'eve', reporting), flagged('c1', 'ann', null)]);
    for (const docs of [one, many]) {
      expect(seen(docs)).toEqual([['r1', 2, ['c1', 'c2']], ['r2', 0, []]]);
      expect(children(docs, 'r1')!.items[0]).not.toHaveProperty('hiddenByFlags');
    }
    expect(index(many, 'c1').flags).toEqual({ flags: 3, hidden: false });
    // The next flag under the hiding policy is past the threshold: it hides.
    const next = await project(projection, [flagged('c1', 'max')], many);
    expect(seen(next)).toEqual([['r1', 1, ['c2']], ['r2', 0, []]]);
  });

  it('given a moderator\'s approval, then it shows and counts again, the flags answered; two new flags hide it again', async () => {
    const hidden = await project(projection, [...thread(), flagged('c1', 'bob'), flagged('c1', 'eve')]);
    const approved = await project(projection, [moved('c1', 'published', 'published', 2, 'reply.moderated')], hidden);
    expect(children(approved, 'r1')!.items[0]).not.toHaveProperty('hiddenByFlags');
    expect(bucket(approved, 0).items[0].preview[0]).not.toHaveProperty('hiddenByFlags');
    expect(index(approved, 'c1').flags).toEqual({ flags: 0, hidden: false });
    expect(seen(approved)).toEqual(seen(await project(projection, thread())));
    expect(top(approved).map((t) => [t.id, t.replies])).toEqual([['r1', 2], ['r2', 0]]);
    const oneMore = await project(projection, [flagged('c1', 'ann')], approved);
    expect(seen(oneMore)).toEqual([['r1', 2, ['c1', 'c2']], ['r2', 0, []]]);
    const again = await project(projection, [flagged('c1', 'max')], oneMore);
    expect(seen(again)).toEqual([['r1', 1, ['c2']], ['r2', 0, []]]);
  });

  it('given a hidden reply a verdict, a rejection, a retraction or an erasure moves, then it is uncounted once, never twice', async () => {
    const hidden = await project(projection, [...thread(), flagged('c1', 'bob'), flagged('c1', 'eve')]);
    const count = (docs: Documents) => bucket(docs, 0).items[0].replyCount;
    expect(count(hidden)).toBe(1);
    // A verdict on an edit publishes the new text: still hidden, still uncounted.
    const edit = await project(projection, [edited('c1', 'reworded'), moved('c1', 'published', 'published', 3)], hidden);
    expect(children(edit, 'r1')!.items[0]).toMatchObject({ body: 'reworded', hiddenByFlags: true });
    expect(count(edit)).toBe(1);
    const rejected = await project(projection, [moved('c1', 'rejected', 'published', 2, 'reply.moderated')], hidden);
    expect(count(rejected)).toBe(1);
    expect(count(await project(projection, [moved('c1', 'published', 'rejected', 3, 'reply.moderated')], rejected))).toBe(2);
    expect(count(await project(projection, [retracted('c1')], hidden))).toBe(1);
    const erased = entry('reply-c1', 2, { type: 'reply.erased', schemaVersion: 1, data: { replyId: 'c1', articleId: 'a1', commenterId: 'u', erasedAt: 'X', previousStatus: 'published' } } as ReplyEvent);
    expect(count(await project(projection, [erased], hidden))).toBe(1);
  });

  it('given a crash after any collection while applying any flag or decision, then the replay ends as a clean run, in one batch or one at a time', async () => {
    const entries: LogEntry[] = [
      ...thread(), nested('g1', 'c1', 'r1', 3), flagged('c1', 'bob'), flagged('r2', 'bob'), flagged('c1', 'eve'), flagged('r2', 'eve'), flagged('g1', 'bob', reporting),
      moved('c1', 'published', 'published', 2, 'reply.moderated'), flagged('c1', 'ann'), flagged('c1', 'max'), retracted('r2', 'published', 2),
    ];
    let before: Documents = new Map();
    for (const e of entries) {
      const after = await project(projection, [e], before);
      for (const cut of projection.collections) {
        const replayed = await project(projection, [e], crashedAfter(cut, before, after));
        expect({ at: e.commitId, cut, docs: replayed }).toEqual({ at: e.commitId, cut, docs: after });
      }
      before = after;
    }
    expect(await project(projection, entries)).toEqual(before);
    // Hidden again with a reply beneath it: a placeholder, like a reply taken down.
    expect(seen(before)).toEqual([['r1', 2, ['c1', 'c2']]]);
    expect(visibleItem(bucket(before, 0).items[0])!.replies.map((r) => [r.id, r.status, r.body])).toEqual([['c1', 'hidden', ''], ['c2', 'published', 'text of c2']]);
  });
});

describe('ThreadProjection size bound', () => {
  /** Stated in docs/decisions/0002-thread-buckets.md: 100 summaries, each with 3 previews, of 20,000-byte bodies. */
  const BOUND = 9 * 1024 * 1024;
  const body = '😀'.repeat(5000); // 5,000 characters, 4 bytes each in UTF-8
  const author = { kind: 'reader' as const, id: 'u', name: '😀'.repeat(100) };

  it('given 20,000 replies of 5,000 characters under one root, then no document it writes passes the bound', async () => {
    // 5,000 direct replies, each answered 3 times: every children bucket of the root full, every summary with a full preview.
    const events: LogEntry[] = [entry('reply-root', 1, submitted({ replyId: 'root', body, author }))];
    for (let c = 0; c < 5000; c++) {
      events.push(entry(`reply-c${c}`, 1, submitted({ replyId: `c${c}`, parentId: 'root', rootId: 'root', depth: 2, body, author })));
      for (let g = 0; g < 3; g++) {
        events.push(entry(`reply-c${c}g${g}`, 1, submitted({ replyId: `c${c}g${g}`, parentId: `c${c}`, rootId: 'root', depth: 3, body, author })));
      }
    }
    let docs: Documents = new Map();
    let largest = 0;
    // In chunks, like the runner's batches; a document only grows here, so its size after a chunk is its largest.
    for (let i = 0; i < events.length; i += 1000) {
      const next = await project(projection, events.slice(i, i + 1000), docs);
      for (const [key, doc] of next) {
        if (docs.get(key) === doc) continue;
        largest = Math.max(largest, BSON.calculateObjectSize(doc));
      }
      docs = next;
    }
    expect(bucket(docs, 0).items[0]).toMatchObject({ replyCount: 20_000, childCount: 5000 });
    expect(children(docs, 'root', 49)!.items).toHaveLength(THREAD_BUCKET_SIZE);
    expect(children(docs, 'root', 49)!.items[99]).toMatchObject({ replyCount: 3, preview: [{}, {}, {}] });
    expect(largest).toBeGreaterThan(8_000_000); // the worst case was reached
    expect(largest).toBeLessThan(BOUND);
  });
});

describe('ThreadProjection: reactions', () => {
  const counts = (like: number, insightful = 0, funny = 0) => ({ like, insightful, funny });

  it('given reactions, then the summary, its parent\'s preview entry and the index of a held reply count them per type', async () => {
    const docs = await project(projection, [
      root('r1'), nested('c1', 'r1', 'r1'), nested('h1', 'r1', 'r1', 2, 'pending'),
      reaction('r1', 'bob', 'like'), reaction('r1', 'eve', 'like'), reaction('r1', 'eve', 'funny'),
      reaction('c1', 'bob', 'insightful'), reaction('c1', 'bob', 'insightful', 2, true), reaction('c1', 'eve', 'insightful'),
    ]);
    const [r1] = bucket(docs, 0).items;
    expect(r1.reactions).toEqual(counts(2, 0, 1));
    expect(r1.preview).toEqual([expect.objectContaining({ id: 'c1', reactions: counts(0, 1) })]);
    expect(children(docs, 'r1')!.items[0]).toMatchObject({ id: 'c1', reactions: counts(0, 1) });
    expect(index(docs, 'h1').unplaced!.reactions).toEqual(counts(0));
    expect(top(docs)).toEqual([expect.objectContaining({ id: 'r1', score: 3, replies: 1 })]);
  });

  it('given reactions on roots, then top ranks by reactions, replies breaking ties, and moves when one is taken back', async () => {
    const docs = await project(projection, [
      root('r1', { submittedAt: '2026-01-01T00:00:01.000Z' }),
      root('r2', { submittedAt: '2026-01-01T00:00:02.000Z' }),
      root('r3', { submittedAt: '2026-01-01T00:00:03.000Z' }),
      nested('c1', 'r1', 'r1'), nested('c2', 'r1', 'r1'),
      nested('c3', 'r2', 'r2'),
      reaction('r3', 'bob', 'like'), reaction('r3', 'bob', 'funny'),
      reaction('r2', 'bob', 'like'),
      reaction('c1', 'eve', 'like'), reaction('c1', 'ann', 'like'), reaction('c1', 'max', 'like'), // nested: not the root's score
    ]);
    expect(top(docs).map((t) => [t.id, t.score, t.replies])).toEqual([['r3', 2, 0], ['r2', 1, 1], ['r1', 0, 2]]);
    const later = await project(projection, [reaction('r3', 'bob', 'like', 3, true), reaction('r3', 'bob', 'funny', 4, true)], docs);
    expect(top(later).map((t) => t.id)).toEqual(['r2', 'r1', 'r3']);
  });

  it('given a held reply reacted to before it was held, then it keeps its counts and brings them back when published again', async () => {
    const docs = await project(projection, [root('r1'), reaction('r1', 'bob', 'like'), moved('r1', 'pending', 'published', 2, 'reply.moderated')]);
    expect(top(docs)).toEqual([]);
    const back = await project(projection, [reaction('r1', 'bob', 'like', 2, true), reaction('r1', 'eve', 'funny'), moved('r1', 'published', 'pending', 3, 'reply.moderated')], docs);
    expect(bucket(back, 0).items[0].reactions).toEqual(counts(0, 0, 1));
    expect(top(back)).toEqual([expect.objectContaining({ id: 'r1', score: 1 })]);
  });

  it('given the same reactions applied twice (a replay after a crash past the checkpoint), then no count moves twice', async () => {
    const entries = [root('r1'), nested('c1', 'r1', 'r1'), reaction('r1', 'bob', 'like'), reaction('c1', 'bob', 'funny'), reaction('r1', 'bob', 'like', 2, true)];
    const once = await project(projection, entries);
    expect(await project(projection, entries, once)).toEqual(once);
  });

  it('given a crash between the bucket write and the top write on a reaction, then the replay ranks the root from its counts', async () => {
    const before = await project(projection, [root('r1'), root('r2'), nested('c1', 'r1', 'r1')]);
    expect(top(before).map((t) => t.id)).toEqual(['r1', 'r2']);
    const like = reaction('r2', 'bob', 'like');
    const after = await project(projection, [like], before);
    expect(top(after).map((t) => t.id)).toEqual(['r2', 'r1']);
    const crashed = new Map(after);
    crashed.set(`${C.threadTop}/a1`, before.get(`${C.threadTop}/a1`)!);
    expect(await project(projection, [like], crashed)).toEqual(after);
  });

  it('given the log in one batch or one event at a time, then the counts are the same (a rebuild equals the live view)', async () => {
    const entries = [root('r1'), root('r2'), nested('c1', 'r1', 'r1'), reaction('r1', 'bob', 'like'), reaction('r2', 'eve', 'insightful'), reaction('c1', 'bob', 'funny'), reaction('r1', 'bob', 'like', 2, true), reaction('r1', 'eve', 'like')];
    const whole = await project(projection, entries);
    let stepwise: Documents = new Map();
    for (const e of entries) stepwise = await project(projection, [e], stepwise);
    expect(stepwise).toEqual(whole);
  });
});
