import { Article } from './article';
import { ArticleEvent, DEFAULT_REPLY_SETTINGS } from './article.events';
import { NotFoundError, RuleViolationError } from '../shared/domain-errors';

const published: ArticleEvent = {
  type: 'article.published',
  schemaVersion: 1,
  data: { articleId: 'a1', title: 'T', author: 'W', category: 'News', body: ['p'], publishedAt: '2026-01-01T00:00:00.000Z', settings: DEFAULT_REPLY_SETTINGS },
};
const given = (...events: ArticleEvent[]) => new Article().rehydrate(events);

describe('Article', () => {
  it('publishes with default reply settings overridden by the given ones', () => {
    const article = Article.publish({ articleId: 'a1', title: 'T', author: 'W', category: 'News', body: ['p'], settings: { moderation: 'pre', open: undefined } }, new Date('2026-01-01T00:00:00Z'));
    const [event] = article.pullEvents();
    expect(event.type).toBe('article.published');
    expect(event.data).toMatchObject({ articleId: 'a1', settings: { ...DEFAULT_REPLY_SETTINGS, moderation: 'pre', open: true } });
  });

  it('an empty stream is an unknown article', () => {
    expect(() => given().assertExists('nope')).toThrow(NotFoundError);
  });

  it('records a settings change with the settings it replaced', () => {
    const article = given(published);
    article.changeSettings({ open: false });
    expect(article.pullEvents()).toEqual([
      { type: 'article.reply-settings-changed', schemaVersion: 1, data: { articleId: 'a1', settings: { ...DEFAULT_REPLY_SETTINGS, open: false }, previous: DEFAULT_REPLY_SETTINGS } },
    ]);
  });

  it('knows the version of its settings, which is their ETag', () => {
    const article = given(published);
    expect(article.settingsVersion).toBe(1);
    article.changeSettings({ open: false });
    expect(article.settingsVersion).toBe(2);
    const restored = new Article().restore(given(published, ...article.pullEvents()).snapshot());
    expect(restored.settingsVersion).toBe(2);
  });

  it('records nothing when the settings do not change', () => {
    const article = given(published);
    article.changeSettings({ open: true });
    expect(article.pullEvents()).toEqual([]);
  });

  it('refuses replies when closed, from guests when not allowed, and past the maximum depth', () => {
    const closed = given(published, { type: 'article.reply-settings-changed', schemaVersion: 1, data: { articleId: 'a1', settings: { ...DEFAULT_REPLY_SETTINGS, open: false, guestsAllowed: false }, previous: DEFAULT_REPLY_SETTINGS } });
    expect(() => closed.assertAcceptsReply({ asGuest: false, depth: 1 })).toThrow(/closed/);
    const noGuests = given(published, { type: 'article.reply-settings-changed', schemaVersion: 1, data: { articleId: 'a1', settings: { ...DEFAULT_REPLY_SETTINGS, guestsAllowed: false }, previous: DEFAULT_REPLY_SETTINGS } });
    expect(() => noGuests.assertAcceptsReply({ asGuest: true, depth: 1 })).toThrow(/guests/);
    expect(() => noGuests.assertAcceptsReply({ asGuest: false, depth: 1 })).not.toThrow();
    expect(() => given(published).assertAcceptsReply({ asGuest: false, depth: DEFAULT_REPLY_SETTINGS.maxDepth + 1 })).toThrow(RuleViolationError);
  });
});
