import { Article } from './article';
import { ArticleEvent, DEFAULT_REPLY_SETTINGS } from './article.events';
import { NotFoundError, RuleViolationError } from '../shared/domain-errors';

const published: ArticleEvent = {
  type: 'article.published',
  schemaVersion: 1,
  data: { articleId: 'a1', title: 'T', author: 'W', category: 'News', body: ['p'], publishedAt: '2026-01-01T00:00:00.000Z', settings: DEFAULT_REPLY_SETTINGS },
};
const given = (...events: ArticleEvent[]) => new Article().rehydrate(events);
const now = new Date('2026-01-02T00:00:00.000Z');

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
    expect(() => closed.assertAcceptsReply({ asGuest: false, depth: 1, now })).toThrow(/closed/);
    const noGuests = given(published, { type: 'article.reply-settings-changed', schemaVersion: 1, data: { articleId: 'a1', settings: { ...DEFAULT_REPLY_SETTINGS, guestsAllowed: false }, previous: DEFAULT_REPLY_SETTINGS } });
    expect(() => noGuests.assertAcceptsReply({ asGuest: true, depth: 1, now })).toThrow(/guests/);
    expect(() => noGuests.assertAcceptsReply({ asGuest: false, depth: 1, now })).not.toThrow();
    expect(() => given(published).assertAcceptsReply({ asGuest: false, depth: DEFAULT_REPLY_SETTINGS.maxDepth + 1, now })).toThrow(RuleViolationError);
  });

  it('closes its replies by itself the given days after publication: refused from then, recorded once by the timed job', () => {
    const withAutoClose = given({ ...published, data: { ...published.data, settings: { ...DEFAULT_REPLY_SETTINGS, autoCloseAfterDays: 2 } } } as ArticleEvent);
    expect(withAutoClose.closesAt?.toISOString()).toBe('2026-01-03T00:00:00.000Z');
    const before = new Date('2026-01-02T23:59:59.999Z');
    const after = new Date('2026-01-03T00:00:00.000Z');
    expect(() => withAutoClose.assertAcceptsReply({ asGuest: false, depth: 1, now: before })).not.toThrow();
    expect(() => withAutoClose.assertAcceptsReply({ asGuest: false, depth: 1, now: after })).toThrow(/closed on this article 2 days after/);
    withAutoClose.autoClose(before);
    expect(withAutoClose.pullEvents()).toEqual([]);
    withAutoClose.autoClose(after);
    withAutoClose.autoClose(after);
    const events = withAutoClose.pullEvents();
    expect(events).toEqual([{ type: 'article.auto-closed', schemaVersion: 1, data: { articleId: 'a1', afterDays: 2, closedAt: after.toISOString() } }]);
    const replayed = given({ ...published, data: { ...published.data, settings: { ...DEFAULT_REPLY_SETTINGS, autoCloseAfterDays: 2 } } } as ArticleEvent, ...events);
    expect(replayed.settings.open).toBe(false);
    expect(replayed.settingsVersion).toBe(2);
    // Never, by default and for settings recorded before auto-close existed.
    const { autoCloseAfterDays: _, ...older } = DEFAULT_REPLY_SETTINGS;
    expect(given({ ...published, data: { ...published.data, settings: older } } as ArticleEvent).closesAt).toBeNull();
    expect(given(published).closesAt).toBeNull();
  });
});
