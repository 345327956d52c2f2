import { ReplyEvent, ReplyStatus } from '@app/domain';
import { LogEntry } from '@app/event-store';
import { ViewCollections } from '../versions';
import { ModerationQueuesProjection, QUEUE_BUCKET_SIZE, QueueBucket, QueueCounts, QueueMeta, queueBucketId } from './moderation-queues.projection';
import { Documents, entry, project, resetPositions, submitted } from './testing';

const projection = new ModerationQueuesProjection();
const C = ViewCollections;
const items = (docs: Documents, set: string, bucket = 0) => ((docs.get(`${C.queueBuckets}/${queueBucketId(set, bucket)}`) as QueueBucket | undefined)?.items ?? []).map((i) => i.id);
const counts = (docs: Documents) => docs.get(`${C.queueCounts}/counts`) as QueueCounts;
const meta = (docs: Documents, set: string) => docs.get(`${C.queueMeta}/${set}`) as QueueMeta;

const sub = (id: string, status: 'checking' | 'pending' = 'checking', articleId = 'a1') => entry(`reply-${id}`, 1, submitted({ replyId: id, status, articleId, body: `secret text of ${id}` }));
const verdict = (id: string, status: ReplyStatus, previousStatus: ReplyStatus, version = 2) =>
  entry(`reply-${id}`, version, { type: 'reply.screened', schemaVersion: 1, data: { replyId: id, articleId: 'a1', scoredVersion: version - 1, decision: 'hold', score: 0.6, reasons: [{ code: 'links', detail: 'links' }], features: {}, policyVersion: 0, modelVersion: null, status, previousStatus, screenedAt: 'S' } } as ReplyEvent);
const decided = (id: string, action: 'approve' | 'reject' | 'spam', status: ReplyStatus, previousStatus: ReplyStatus, version: number) =>
  entry(`reply-${id}`, version, { type: 'reply.moderated', schemaVersion: 1, data: { replyId: id, articleId: 'a1', action, reason: 'why', status, previousStatus, decidedAt: 'D', batchId: null } } as ReplyEvent);
const erased = (id: string, version: number) =>
  entry(`reply-${id}`, version, { type: 'reply.erased', schemaVersion: 1, data: { replyId: id, articleId: 'a1', commenterId: 'u', erasedAt: 'X', previousStatus: 'pending' } } as ReplyEvent);

beforeEach(resetPositions);

describe('ModerationQueuesProjection', () => {
  it('given verdicts and decisions, then each reply is in one queue, with its reasons, counted', async () => {
    const docs = await project(projection, [sub('r1'), sub('r2'), sub('r3', 'pending'), verdict('r1', 'pending', 'checking'), verdict('r2', 'spam', 'checking'), decided('r1', 'approve', 'published', 'pending', 3)]);
    expect(items(docs, 'pending')).toEqual(['r3']);
    expect(items(docs, 'spam')).toEqual(['r2']);
    expect(items(docs, 'approved')).toEqual(['r1']);
    expect(items(docs, 'approved@a1')).toEqual(['r1']);
    expect(counts(docs)).toMatchObject({ pending: 1, spam: 1, approved: 1, rejected: 0 });
    expect(meta(docs, 'pending@a1').count).toBe(1);
    const spam = (docs.get(`${C.queueBuckets}/spam/0`) as QueueBucket).items[0];
    expect(spam).toMatchObject({ reasons: [{ code: 'links' }], score: 0.6, status: 'spam', excerpt: 'secret text of r2' });
  });

  it('given an appeal, then the reply moves to appeals with the note; the decision takes it to where it decides', async () => {
    const appealed = (id: string, version: number, status: ReplyStatus) =>
      entry(`reply-${id}`, version, { type: 'reply.appealed', schemaVersion: 1, data: { replyId: id, articleId: 'a1', commenterId: 'u', note: 'I quoted the mayor', status, appealedAt: 'A' } } as ReplyEvent);
    const settled = (id: string, action: 'approve' | 'spam', status: ReplyStatus, version: number) =>
      entry(`reply-${id}`, version, { type: 'reply.moderated', schemaVersion: 1, data: { replyId: id, articleId: 'a1', action, reason: 'looked again', status, previousStatus: 'spam', decidedAt: 'D', batchId: null, settlesAppeal: true } } as ReplyEvent);
    const inAppeals = await project(projection, [sub('r1'), sub('r2'), verdict('r1', 'spam', 'checking'), verdict('r2', 'spam', 'checking'), appealed('r1', 3, 'spam'), appealed('r2', 3, 'spam')]);
    expect(items(inAppeals, 'spam')).toEqual([]);
    expect(items(inAppeals, 'appeals')).toEqual(['r1', 'r2']);
    expect(counts(inAppeals)).toMatchObject({ spam: 0, appeals: 2 });
    const item = (inAppeals.get(`${C.queueBuckets}/appeals/0`) as QueueBucket).items[0];
    expect(item.reasons).toEqual([{ code: 'links', detail: 'links' }, { code: 'appeal', detail: 'I quoted the mayor' }]);
    const decided = await project(projection, [settled('r1', 'approve', 'published', 4), settled('r2', 'spam', 'spam', 4)], inAppeals);
    expect(items(decided, 'appeals')).toEqual([]);
    expect(items(decided, 'approved')).toEqual(['r1']);
    expect(items(decided, 'spam')).toEqual(['r2']);
    expect(counts(decided)).toMatchObject({ spam: 1, appeals: 0, approved: 1 });
  });

  it('given an erasure, then the reply leaves its queue and nothing of its text stays', async () => {
    const docs = await project(projection, [sub('r1', 'pending'), erased('r1', 2)]);
    expect(items(docs, 'pending')).toEqual([]);
    expect(counts(docs).pending).toBe(0);
    expect(JSON.stringify([...docs.values()])).not.toContain('secret text');
  });

  it('given more replies than a bucket holds, then the list goes on in the next bucket', async () => {
    const docs = await project(projection, Array.from({ length: QUEUE_BUCKET_SIZE + 1 }, (_, i) => sub(`p${i}`, 'pending')));
    expect(items(docs, 'pending', 0)).toHaveLength(QUEUE_BUCKET_SIZE);
    expect(items(docs, 'pending', 1)).toEqual([`p${QUEUE_BUCKET_SIZE}`]);
    expect(meta(docs, 'pending')).toMatchObject({ lastBucket: 1, lastBucketSize: 1, count: QUEUE_BUCKET_SIZE + 1 });
  });

  it('given a crash after any collection while applying any event, then the replay ends as a clean run', async () => {
    const entries: LogEntry[] = [sub('r1'), sub('r2', 'pending'), verdict('r1', 'spam', 'checking'), decided('r1', 'reject', 'rejected', 'spam', 3), decided('r2', 'approve', 'published', 'pending', 2), decided('r1', 'approve', 'published', 'rejected', 4), erased('r2', 3)];
    let before: Documents = new Map();
    for (const e of entries) {
      const after = await project(projection, [e], before);
      for (const cut of projection.collections) {
        const crashed = new Map(before);
        const written = projection.collections.slice(0, projection.collections.indexOf(cut) + 1);
        for (const [k, v] of after) if (written.some((c) => k.startsWith(`${c}/`))) crashed.set(k, v);
        const replayed = await project(projection, [e], crashed);
        expect({ at: e.commitId, cut, docs: replayed }).toEqual({ at: e.commitId, cut, docs: after });
      }
      before = after;
    }
  });
});

describe('ModerationQueuesProjection: the reported queue', () => {
  const flagged = (id: string, by: string) => entry(`flag-${id}-${by}`, 1, { type: 'reply.flagged', schemaVersion: 1, data: { replyId: id, articleId: 'a1', commenterId: by, reason: 'abuse', note: null, flaggedAt: `F-${by}` } } as never);
  const published = (id: string) => verdict(id, 'published', 'checking');

  it('given enough readers flagging a published reply, then it enters reported; a decision takes it out and the flags count afresh', async () => {
    const two = await project(projection, [sub('r1'), published('r1'), flagged('r1', 'a'), flagged('r1', 'b')]);
    expect(items(two, 'reported')).toEqual([]);
    const three = await project(projection, [flagged('r1', 'c')], two);
    expect(items(three, 'reported')).toEqual(['r1']);
    expect(counts(three).reported).toBe(1);
    expect((three.get(`${C.queueBuckets}/reported/0`) as QueueBucket).items[0].reasons).toContainEqual({ code: 'reported', detail: '3 readers flagged it; the latest: abuse' });
    const approved = await project(projection, [decided('r1', 'approve', 'published', 'published', 3), flagged('r1', 'd')], three);
    expect(items(approved, 'reported')).toEqual([]);
    expect(items(approved, 'approved')).toEqual(['r1']);
    expect(counts(approved)).toMatchObject({ reported: 0, approved: 1 });
  });

  it('given flags carrying the policy in force, then its flag threshold decides, as it was when each flag came', async () => {
    const under = (id: string, by: string, flagThreshold: number) =>
      entry(`flag-${id}-${by}`, 1, { type: 'reply.flagged', schemaVersion: 1, data: { replyId: id, articleId: 'a1', commenterId: by, reason: 'spam', note: null, flaggedAt: `F-${by}`, policy: { version: 2, flagThreshold } } } as never);
    const one = await project(projection, [sub('r1'), published('r1'), under('r1', 'a', 2)]);
    expect(items(one, 'reported')).toEqual([]);
    const two = await project(projection, [under('r1', 'b', 2)], one);
    expect(items(two, 'reported')).toEqual(['r1']);
    // A stricter policy later does not take back what the earlier one reported.
    const stricter = await project(projection, [under('r1', 'c', 10)], two);
    expect(items(stricter, 'reported')).toEqual(['r1']);
    const lenient = await project(projection, [sub('r2'), published('r2'), under('r2', 'a', 1)], stricter);
    expect(items(lenient, 'reported')).toEqual(expect.arrayContaining(['r1', 'r2']));
  });

  it('given a crash after any collection while flags come in, then the replay ends as a clean run', async () => {
    const entries: LogEntry[] = [sub('r1'), published('r1'), flagged('r1', 'a'), flagged('r1', 'b'), flagged('r1', 'c'), flagged('r1', 'd'), decided('r1', 'spam', 'spam', 'published', 3)];
    let before: Documents = new Map();
    for (const e of entries) {
      const after = await project(projection, [e], before);
      for (const cut of projection.collections) {
        const crashed = new Map(before);
        const written = projection.collections.slice(0, projection.collections.indexOf(cut) + 1);
        for (const [k, v] of after) if (written.some((c) => k.startsWith(`${c}/`))) crashed.set(k, v);
        expect({ at: e.commitId, cut, docs: await project(projection, [e], crashed) }).toEqual({ at: e.commitId, cut, docs: after });
      }
      before = after;
    }
  });
});
