import { Article } from '../article/article';
import { DEFAULT_REPLY_SETTINGS } from '../article/article.events';
import { Reply } from '../reply/reply';

const t0 = new Date('2026-03-01T12:00:00.000Z');
const alice = { kind: 'reader' as const, id: 'alice', name: 'Alice' };

function storedArticle(): Article {
  const article = Article.publish({ articleId: 'a1', title: 'T', author: 'W', category: 'News', body: [] }, t0);
  const events = article.pullEvents();
  const loaded = new Article().rehydrate(events);
  loaded.changeSettings({ editWindowMinutes: 5, moderation: 'pre' });
  return new Article().rehydrate([...events, ...loaded.pullEvents()]);
}

describe('snapshots', () => {
  it('an article restored from its snapshot behaves as the one rebuilt from its events', () => {
    const rebuilt = storedArticle();
    const restored = new Article().restore(JSON.parse(JSON.stringify(rebuilt.snapshot())));
    expect(restored.version).toBe(2);
    expect(restored.settings).toEqual({ ...DEFAULT_REPLY_SETTINGS, editWindowMinutes: 5, moderation: 'pre' });
    expect(() => restored.assertExists('a1')).not.toThrow();
    restored.changeSettings({ open: false });
    expect(restored.pullEvents()[0].data).toMatchObject({ previous: { editWindowMinutes: 5 } });
  });

  it('a reply restored from its snapshot keeps its author, text and edit window', () => {
    const article = storedArticle();
    const submitted = Reply.submit({ replyId: 'r1', article, author: alice, body: 'hi' }, t0).pullEvents();
    const restored = new Reply().restore(JSON.parse(JSON.stringify(new Reply().rehydrate(submitted).snapshot())));
    expect(restored).toMatchObject({ id: 'r1', body: 'hi', status: 'pending', version: 1, submittedAt: t0 });
    expect(() => restored.edit(alice, 'late', new Date(t0.getTime() + 6 * 60_000), article)).toThrow(/window/);
    restored.edit(alice, 'in time', new Date(t0.getTime() + 60_000), article);
    expect(restored.pullEvents()[0].data).toMatchObject({ previousBody: 'hi', body: 'in time' });
  });

  it('refuses to snapshot changes not yet stored', () => {
    const article = Article.publish({ articleId: 'a1', title: 'T', author: 'W', category: 'News', body: [] }, t0);
    expect(() => article.snapshot()).toThrow(/stored/);
  });
});
