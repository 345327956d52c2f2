import { ReplyEvent } from '@app/domain';
import { StoredEvent } from '@app/event-store';
import { publicChange } from './public-reply';

const at = (version: number, event: Partial<ReplyEvent> & Pick<ReplyEvent, 'type'>): StoredEvent<ReplyEvent> =>
  ({ event: { schemaVersion: 1, ...event }, streamId: 'reply-r', version, commitId: `reply-r:${version}`, recordedAt: new Date(), metadata: {} }) as StoredEvent<ReplyEvent>;

const submitted = at(1, { type: 'reply.submitted', data: { replyId: 'r', articleId: 'a', parentId: null, rootId: 'r', depth: 1, author: { kind: 'reader', id: 'c', name: 'Dana' }, body: 'first', submittedAt: 't0', status: 'checking' } } as ReplyEvent);
const verdict = (version: number, status: string, previousStatus: string) => at(version, { type: 'reply.screened', data: { replyId: 'r', articleId: 'a', status, previousStatus } } as unknown as ReplyEvent);
const edited = (version: number, body: string) => at(version, { type: 'reply.edited', data: { replyId: 'r', articleId: 'a', body, previousBody: '', editedAt: `t${version}` } } as ReplyEvent);

describe('what readers see of a reply, entry by entry', () => {
  it('a held reply never shows; published, it shows its text', () => {
    const held = [submitted, verdict(2, 'pending', 'checking')];
    expect(publicChange(held, 2, 2)).toEqual({ before: null, after: null });
    const published = [submitted, verdict(2, 'published', 'checking')];
    expect(publicChange(published, 2, 2).after).toMatchObject({ status: 'published', body: 'first', author: { name: 'Dana' }, editedAt: null });
  });

  it('an edit of a published reply shows only once its verdict publishes it', () => {
    const stream = [submitted, verdict(2, 'published', 'checking'), edited(3, 'second'), verdict(4, 'published', 'published')];
    const atEdit = publicChange(stream, 3, 3);
    expect(atEdit.after).toEqual(atEdit.before);
    expect(atEdit.after).toMatchObject({ body: 'first' });
    expect(publicChange(stream, 4, 4).after).toMatchObject({ body: 'second', editedAt: 't3' });
  });

  it('taken down it is a hidden placeholder; retracted without ever being public it never shows', () => {
    const down = [submitted, verdict(2, 'published', 'checking'), edited(3, 'worse'), verdict(4, 'rejected', 'published')];
    expect(publicChange(down, 4, 4).after).toMatchObject({ status: 'hidden', body: '', author: null });
    const never = [submitted, verdict(2, 'pending', 'checking'), at(3, { type: 'reply.retracted', data: { replyId: 'r', articleId: 'a', retractedAt: 't3', previousStatus: 'pending' } } as ReplyEvent)];
    expect(publicChange(never, 3, 3).after).toBeNull();
  });

  it('once its author is erased, even an old publication replays as removed', () => {
    const stream = [submitted, verdict(2, 'published', 'checking'), at(3, { type: 'reply.erased', data: { replyId: 'r', articleId: 'a', commenterId: 'c', erasedAt: 't3', previousStatus: 'published' } } as ReplyEvent)];
    expect(publicChange(stream, 2, 2).after).toMatchObject({ status: 'removed', body: '', author: null });
    expect(publicChange(stream, 3, 3).after).toMatchObject({ status: 'removed' });
  });
});
