import { ReplyEvent } from '@app/domain';
import { LogEntry } from '@app/event-store';
import { ViewCollections } from '../versions';
import { LOG_BUCKET_SIZE, logBucketId, ModerationLogBucket, ModerationLogProjection } from './moderation-log.projection';
import { Documents, entry, project, resetPositions } from './testing';

const projection = new ModerationLogProjection();
const listed = (docs: Documents, list: string, bucket = 0) => ((docs.get(`${ViewCollections.logBuckets}/${logBucketId(list, bucket)}`) as ModerationLogBucket | undefined)?.entries ?? []).map((e) => `${e.action}:${e.replyId}`);

function decided(id: string, by: string, version: number, articleId = 'a1'): LogEntry {
  const e = entry(`reply-${id}`, version, { type: 'reply.moderated', schemaVersion: 1, data: { replyId: id, articleId, action: 'reject', reason: 'rude', status: 'rejected', previousStatus: 'published', decidedAt: 'D', batchId: null } } as ReplyEvent);
  return { ...e, metadata: { ...e.metadata, actor: { kind: 'moderator', id: by, name: by } } };
}
function screened(id: string, version: number): LogEntry {
  const e = entry(`reply-${id}`, version, { type: 'reply.screened', schemaVersion: 1, data: { replyId: id, articleId: 'a1', scoredVersion: version - 1, decision: 'hold', score: 0.6, reasons: [{ code: 'links', detail: 'l' }], features: {}, policyVersion: 4, modelVersion: null, status: 'pending', previousStatus: 'checking', screenedAt: 'S' } } as ReplyEvent);
  return { ...e, metadata: { ...e.metadata, actor: { kind: 'system', id: 'screening', name: 'screening' } } };
}

beforeEach(resetPositions);

describe('ModerationLogProjection', () => {
  it('given verdicts and decisions, then every list has its entries, with who, why and under which policy', async () => {
    const docs = await project(projection, [screened('r1', 2), decided('r1', 'mo', 3), decided('r2', 'max', 2, 'a2')]);
    expect(listed(docs, 'all')).toEqual(['verdict:hold:r1', 'reject:r1', 'reject:r2']);
    expect(listed(docs, 'article:a1')).toEqual(['verdict:hold:r1', 'reject:r1']);
    expect(listed(docs, 'moderator:mo')).toEqual(['reject:r1']);
    expect(listed(docs, 'moderator:screening')).toEqual([]);
    const [verdict] = (docs.get(`${ViewCollections.logBuckets}/all/0`) as ModerationLogBucket).entries;
    expect(verdict).toMatchObject({ by: { kind: 'system', id: 'screening' }, policyVersion: 4, reasons: [{ code: 'links' }], status: 'pending' });
  });

  it('given more entries than a bucket holds, then the list goes on; a replay after a crash adds nothing twice', async () => {
    const entries = Array.from({ length: LOG_BUCKET_SIZE + 1 }, (_, i) => decided(`r${i}`, 'mo', 2));
    const once = await project(projection, entries);
    expect(listed(once, 'all', 1)).toEqual([`reject:r${LOG_BUCKET_SIZE}`]);
    expect(await project(projection, entries, once)).toEqual(once);
    // Crash after the buckets, before the counters, on the last entry.
    const before = await project(projection, entries.slice(0, -1));
    const after = await project(projection, entries.slice(-1), before);
    const crashed = new Map(before);
    for (const [k, v] of after) if (k.startsWith(`${ViewCollections.logBuckets}/`)) crashed.set(k, v);
    expect(await project(projection, entries.slice(-1), crashed)).toEqual(after);
  });
});
