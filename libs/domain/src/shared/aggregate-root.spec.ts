import { Article } from '../article/article';
import { DEFAULT_REPLY_SETTINGS } from '../article/article.events';
import { Reply } from '../reply/reply';
import { APPEND_ABANDONED } from './domain-event';

const t0 = new Date('2026-03-01T12:00:00.000Z');
const abandoned = { type: APPEND_ABANDONED, schemaVersion: 1, data: { commitId: 'x:2', announcedAt: t0.toISOString() } } as never;

describe('an abandoned stream version', () => {
  it('takes its version and changes nothing, so the next append goes after it', () => {
    const published = Article.publish({ articleId: 'a1', title: 'T', author: 'W', category: 'News', body: [] }, t0).pullEvents();
    const article = new Article().rehydrate([...published, abandoned]);
    expect(article.version).toBe(2);
    expect(article.settings).toEqual(DEFAULT_REPLY_SETTINGS);
    article.changeSettings({ open: false });
    expect(article.loadedVersion).toBe(2);
    expect(article.version).toBe(3);
  });

  it('alone in a stream is no reply at all', () => {
    const reply = new Reply().rehydrate([abandoned]);
    expect(reply.version).toBe(1);
    expect(() => reply.assertExists('r1')).toThrow();
  });
});
