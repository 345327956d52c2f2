import { ViewCollections } from '../versions';
import { ReplyDetailProjection } from './reply-detail.projection';
import { entry, project, resetPositions, submitted } from './testing';

beforeEach(resetPositions);

describe('ReplyDetailProjection', () => {
  it('given a submission, an edit and a retraction, then the full history and the stream version', async () => {
    const docs = await project(new ReplyDetailProjection(), [
      entry('reply-r1', 1, submitted({ replyId: 'r1', body: 'one' })),
      entry('reply-r1', 2, { type: 'reply.edited', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', body: 'two', previousBody: 'one', editedAt: 'E' } }),
      entry('reply-r1', 3, { type: 'reply.retracted', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', retractedAt: 'R', previousStatus: 'published' } }),
    ]);
    const doc = docs.get(`${ViewCollections.replyDetails}/r1`);
    expect(doc).toMatchObject({ body: 'two', status: 'retracted', editedAt: 'E', version: 3 });
    expect((doc as unknown as { history: { type: string; body?: string }[] }).history.map((h) => [h.type, h.body])).toEqual([
      ['reply.submitted', 'one'],
      ['reply.edited', 'two'],
      ['reply.retracted', undefined],
    ]);
  });

  it('given an author erased, then the text of every version goes and the history keeps its shape', async () => {
    const docs = await project(new ReplyDetailProjection(), [
      entry('reply-r1', 1, submitted({ replyId: 'r1', body: 'one' })),
      entry('reply-r1', 2, { type: 'reply.edited', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', body: 'two', previousBody: 'one', editedAt: 'E' } }),
      entry('reply-r1', 3, { type: 'reply.erased', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', commenterId: 'u', erasedAt: 'X', previousStatus: 'published' } }),
    ]);
    const doc = docs.get(`${ViewCollections.replyDetails}/r1`) as unknown as { history: { type: string; body?: string; status?: string }[] };
    expect(doc).toMatchObject({ body: '', status: 'removed', author: { id: 'u', name: '[removed]' }, version: 3 });
    expect(doc.history.map((h) => [h.type, h.body, h.status])).toEqual([
      ['reply.submitted', '', 'published'],
      ['reply.edited', '', undefined],
      ['reply.erased', undefined, 'removed'],
    ]);
  });

  it('given a verdict, an edit and a moderator, then readers keep the published text until the new one is published', async () => {
    const screened = (version: number, status: string, previousStatus: string) => ({ type: 'reply.screened', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', scoredVersion: version - 1, decision: 'publish', score: 0.1, reasons: [{ code: 'c', detail: 'd' }], features: {}, policyVersion: 0, modelVersion: null, status, previousStatus, screenedAt: 'S' } });
    const docs = await project(new ReplyDetailProjection(), [
      entry('reply-r1', 1, submitted({ replyId: 'r1', body: 'one', status: 'checking' })),
      entry('reply-r1', 2, screened(2, 'published', 'checking') as never),
      entry('reply-r1', 3, { type: 'reply.edited', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', body: 'two', previousBody: 'one', editedAt: 'E' } }),
    ]);
    expect(docs.get(`${ViewCollections.replyDetails}/r1`)).toMatchObject({ body: 'two', publicBody: 'one', status: 'published', verdict: { decision: 'publish', scoredVersion: 1, reasons: [{ code: 'c' }] } });
    const decided = await project(new ReplyDetailProjection(), [
      entry('reply-r1', 4, { type: 'reply.moderated', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', action: 'reject', reason: 'off topic', status: 'rejected', previousStatus: 'published', decidedAt: 'D', batchId: null } }),
    ], docs);
    expect(decided.get(`${ViewCollections.replyDetails}/r1`)).toMatchObject({ publicBody: '', status: 'rejected', decision: { action: 'reject', reason: 'off topic' } });
  });

  it('given reactions from readers\' own streams, then counts per type, with the version and the history left alone; a replay counts nothing twice', async () => {
    const react = (by: string, type: string, version = 1, off = false) =>
      entry(`reaction-r1-${by}`, version, { type: off ? 'reply.unreacted' : 'reply.reacted', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', commenterId: by, type, at: 'X' } });
    const entries = [entry('reply-r1', 1, submitted({ replyId: 'r1', body: 'one' })), react('bob', 'like'), react('eve', 'like'), react('eve', 'funny'), react('bob', 'like', 2, true)];
    const docs = await project(new ReplyDetailProjection(), entries);
    const doc = docs.get(`${ViewCollections.replyDetails}/r1`) as unknown as { reactions: object; version: number; history: unknown[] };
    expect(doc).toMatchObject({ reactions: { like: 1, insightful: 0, funny: 1 }, version: 1 });
    expect(doc.history).toHaveLength(1);
    expect(await project(new ReplyDetailProjection(), entries, docs)).toEqual(docs);
  });
  it('given flags under a policy that hides at 2, then hidden with no public text until a moderator approves; the flags then count afresh', async () => {
    const flag = (by: string, hideAtThreshold: boolean) =>
      entry(`flag-r1-${by}`, 1, { type: 'reply.flagged', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', commenterId: by, reason: 'abuse', note: null, flaggedAt: 'F', policy: { version: 3, flagThreshold: 2, hideAtThreshold } } });
    const detail = (docs: Map<string, unknown>) => docs.get(`${ViewCollections.replyDetails}/r1`);
    const reported = await project(new ReplyDetailProjection(), [entry('reply-r1', 1, submitted({ replyId: 'r1', body: 'one' })), flag('bob', false), flag('eve', false)]);
    expect(detail(reported)).toMatchObject({ status: 'published', publicBody: 'one', flags: { flags: 2, hidden: false }, version: 1 });
    const hidden = await project(new ReplyDetailProjection(), [flag('ann', true)], reported);
    expect(detail(hidden)).toMatchObject({ status: 'published', body: 'one', publicBody: '', flags: { flags: 3, hidden: true }, version: 1 });
    const approved = await project(new ReplyDetailProjection(), [
      entry('reply-r1', 2, { type: 'reply.moderated', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', action: 'approve', reason: 'fair comment', status: 'published', previousStatus: 'published', decidedAt: 'D', batchId: null } }),
    ], hidden);
    expect(detail(approved)).toMatchObject({ status: 'published', publicBody: 'one', decision: { action: 'approve' }, version: 2 });
    expect(detail(approved)).not.toHaveProperty('flags');
    expect(detail(await project(new ReplyDetailProjection(), [flag('max', true)], approved))).toMatchObject({ publicBody: 'one', flags: { flags: 1, hidden: false } });
  });
});
