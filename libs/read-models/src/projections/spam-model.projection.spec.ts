import { ReplyEvent } from '@app/domain';
import { SpamModel, tokenKeysOf } from '@app/moderation';
import { ViewCollections } from '../versions';
import { SPAM_TOTALS_ID, SpamLesson, SpamModelProjection, SpamTokenCounts, SpamTotals } from './spam-model.projection';
import { Documents, entry, project, resetPositions, submitted } from './testing';

const projection = new SpamModelProjection();
const C = ViewCollections;
const sub = (id: string, body: string) => entry(`reply-${id}`, 1, submitted({ replyId: id, body }));
const decided = (id: string, action: 'approve' | 'reject' | 'spam', version: number) =>
  entry(`reply-${id}`, version, { type: 'reply.moderated', schemaVersion: 1, data: { replyId: id, articleId: 'a1', action, reason: null, status: action === 'approve' ? 'published' : action === 'spam' ? 'spam' : 'rejected', previousStatus: 'pending', decidedAt: 'D', batchId: null } } as ReplyEvent);
const erased = (id: string, version: number) => entry(`reply-${id}`, version, { type: 'reply.erased', schemaVersion: 1, data: { replyId: id, articleId: 'a1', commenterId: 'u', erasedAt: 'E', previousStatus: 'spam' } } as ReplyEvent);

/** The model the documents describe, as a worker would load it (empty documents left out). */
function modelOf(docs: Documents): SpamModel {
  const totals = docs.get(`${C.spamTotals}/${SPAM_TOTALS_ID}`) as SpamTotals | undefined;
  const tokens = [...docs].filter(([k, d]) => k.startsWith(`${C.spamTokens}/`) && !projection.isEmpty(C.spamTokens, d)).map(([, d]) => [d._id, { spam: (d as SpamTokenCounts).spam, ham: (d as SpamTokenCounts).ham }] as const);
  return new SpamModel({ spam: totals?.spam ?? 0, ham: totals?.ham ?? 0, tokens: new Map(tokens) }, totals?.position ?? 0);
}

beforeEach(resetPositions);

describe('SpamModelProjection', () => {
  it('given decisions, then the counts are what learning each text as its class gives; no word is stored in plain', async () => {
    const docs = await project(projection, [sub('r1', 'cheap pills online now'), sub('r2', 'the council budget vote'), decided('r1', 'spam', 2), decided('r2', 'approve', 2), sub('r3', 'rude words'), decided('r3', 'reject', 2)]);
    const expected = SpamModel.empty();
    expected.apply(expected.learn('cheap pills online now', 'spam', 1));
    expected.apply(expected.learn('the council budget vote', 'ham', 1));
    expect(modelOf(docs).counts()).toEqual(expected.counts());
    expect(JSON.stringify([...docs.values()])).not.toMatch(/pills|council/);
    expect((docs.get(`${C.spamLessons}/r1`) as SpamLesson).learned).toEqual({ as: 'spam', tokens: tokenKeysOf('cheap pills online now') });
  });

  it('given a bulk spam decision undone, then what it taught is taken back', async () => {
    const bulk = (id: string, action: 'spam' | 'restore', version: number) =>
      entry(`reply-${id}`, version, { type: 'reply.moderated', schemaVersion: 1, data: { replyId: id, articleId: 'a1', action, reason: null, status: action === 'spam' ? 'spam' : 'published', previousStatus: action === 'spam' ? 'published' : 'spam', decidedAt: 'D', batchId: 'b1' } } as ReplyEvent);
    const taught = await project(projection, [sub('r1', 'the council budget vote'), bulk('r1', 'spam', 2)]);
    expect(modelOf(taught).counts()).not.toEqual(SpamModel.empty().counts());
    const undone = await project(projection, [bulk('r1', 'restore', 3)], taught);
    expect(modelOf(undone).counts()).toEqual(SpamModel.empty().counts());
    expect((undone.get(`${C.spamLessons}/r1`) as SpamLesson).learned).toBeNull();
  });

  it('given a reversed decision, then the first lesson is taken back; an erasure takes back the rest', async () => {
    const learned = await project(projection, [sub('r1', 'cheap pills online'), decided('r1', 'spam', 2), decided('r1', 'approve', 3)]);
    const asHam = SpamModel.empty();
    asHam.apply(asHam.learn('cheap pills online', 'ham', 1));
    expect(modelOf(learned).counts()).toEqual(asHam.counts());
    const gone = await project(projection, [erased('r1', 4)], learned);
    expect(modelOf(gone).counts()).toEqual(SpamModel.empty().counts());
    // What a rebuild after the erasure sees: the text reads empty, and nothing is left either.
    resetPositions();
    const rebuilt = await project(projection, [sub('r1', ''), decided('r1', 'spam', 2), decided('r1', 'approve', 3), erased('r1', 4)]);
    expect(modelOf(rebuilt).counts()).toEqual(modelOf(gone).counts());
    const nonEmpty = (d: Documents) => [...d].filter(([k, doc]) => !projection.isEmpty(k.slice(0, k.indexOf('/')), doc)).map(([k]) => k).sort();
    expect(nonEmpty(rebuilt)).toEqual(nonEmpty(gone));
  });

  it('given a crash after any collection of a decision, then the replay ends as a clean run', async () => {
    const before = await project(projection, [sub('r1', 'buy cheap pills'), decided('r1', 'spam', 2)]);
    const event = decided('r1', 'approve', 3);
    const after = await project(projection, [event], before);
    for (const cut of projection.collections) {
      const crashed = new Map(before);
      const written = projection.collections.slice(0, projection.collections.indexOf(cut) + 1);
      for (const [k, v] of after) if (written.some((c) => k.startsWith(`${c}/`))) crashed.set(k, v);
      expect({ cut, docs: await project(projection, [event], crashed) }).toEqual({ cut, docs: after });
    }
  });
});
