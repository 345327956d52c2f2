/** An undo puts back what the reply taught before its batch, not merely what the batch taught. */
import { ReplyEvent } from '@app/domain';
import { SpamLesson, SpamModelProjection } from './spam-model.projection';
import { entry, project, resetPositions, submitted } from './testing';
import { ViewCollections } from '../versions';

const projection = new SpamModelProjection();
const sub = (id: string, body: string) => entry(`reply-${id}`, 1, submitted({ replyId: id, body }));
const moderated = (id: string, action: 'approve' | 'reject' | 'spam' | 'restore', status: string, previousStatus: string, version: number, batchId: string | null) =>
  entry(`reply-${id}`, version, { type: 'reply.moderated', schemaVersion: 1, data: { replyId: id, articleId: 'a1', action, reason: null, status, previousStatus, decidedAt: 'D', batchId } } as ReplyEvent);
const lessonOf = (docs: Map<string, unknown>, id: string) => (docs.get(`${ViewCollections.spamLessons}/${id}`) as SpamLesson).learned;

beforeEach(resetPositions);

describe('SpamModelProjection and an undone batch', () => {
  it('a bulk reject teaches nothing, so its undo must leave the moderator\'s earlier approval learned', async () => {
    const docs = await project(projection, [
      sub('r1', 'the council budget vote'),
      moderated('r1', 'approve', 'published', 'pending', 2, null), // a moderator: ham
      moderated('r1', 'reject', 'rejected', 'published', 3, 'b1'), // bulk: nothing learned
      moderated('r1', 'restore', 'published', 'rejected', 4, 'b1'), // undo
    ]);

    expect(lessonOf(docs, 'r1')).toMatchObject({ as: 'ham' });
  });

  it('undoing a bulk approve of a reply a moderator marked spam gives back the spam lesson', async () => {
    const docs = await project(projection, [
      sub('r2', 'cheap pills online now'),
      moderated('r2', 'spam', 'spam', 'pending', 2, null), // a moderator: spam
      moderated('r2', 'approve', 'published', 'spam', 3, 'b2'), // bulk: reversal to ham
      moderated('r2', 'restore', 'spam', 'published', 4, 'b2'), // undo: back to spam
    ]);

    expect(lessonOf(docs, 'r2')).toMatchObject({ as: 'spam' });
  });
});
