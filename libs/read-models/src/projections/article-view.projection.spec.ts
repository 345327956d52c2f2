import { DEFAULT_REPLY_SETTINGS } from '@app/domain';
import { ViewCollections } from '../versions';
import { ArticleViewProjection } from './article-view.projection';
import { ArticleView, AUTO_CLOSE_SCHEDULE_ID, AutoCloseSchedule } from './documents';
import { entry, project, resetPositions, submitted } from './testing';

const projection = new ArticleViewProjection();
const published = () => entry('article-a1', 1, {
  type: 'article.published',
  schemaVersion: 1,
  data: { articleId: 'a1', title: 'T', author: 'W', category: 'News', body: ['p'], publishedAt: 'P', settings: DEFAULT_REPLY_SETTINGS },
});

beforeEach(resetPositions);

describe('ArticleViewProjection', () => {
  it('given an article and replies, then its counts by status', async () => {
    const docs = await project(projection, [
      published(),
      entry('reply-r1', 1, submitted({ replyId: 'r1' })),
      entry('reply-r2', 1, submitted({ replyId: 'r2', status: 'pending' })),
      entry('reply-r1', 2, { type: 'reply.retracted', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', retractedAt: 'R', previousStatus: 'published' } }),
    ]);
    expect(docs.get(`${ViewCollections.articles}/a1`)).toMatchObject({ title: 'T', stats: { submitted: 2, published: 0, pending: 1, retracted: 1 } });
  });

  it('given an erased author, then their replies count as removed, from whatever status they had', async () => {
    const docs = await project(projection, [
      published(),
      entry('reply-r1', 1, submitted({ replyId: 'r1' })),
      entry('reply-r2', 1, submitted({ replyId: 'r2', status: 'pending' })),
      entry('reply-r1', 2, { type: 'reply.erased', schemaVersion: 1, data: { replyId: 'r1', articleId: 'a1', commenterId: 'u', erasedAt: 'X', previousStatus: 'published' } }),
      entry('reply-r2', 2, { type: 'reply.erased', schemaVersion: 1, data: { replyId: 'r2', articleId: 'a1', commenterId: 'u', erasedAt: 'X', previousStatus: 'pending' } }),
    ]);
    expect(docs.get(`${ViewCollections.articles}/a1`)).toMatchObject({ stats: { submitted: 2, published: 0, pending: 0, retracted: 0, removed: 2 } });
  });

  it('given a settings change, then the new settings and their version', async () => {
    const docs = await project(projection, [
      published(),
      entry('article-a1', 2, { type: 'article.reply-settings-changed', schemaVersion: 1, data: { articleId: 'a1', settings: { ...DEFAULT_REPLY_SETTINGS, open: false }, previous: DEFAULT_REPLY_SETTINGS } }),
    ]);
    expect(docs.get(`${ViewCollections.articles}/a1`)).toMatchObject({ settings: { open: false }, settingsVersion: 2 });
  });

  it('given the replies again after a crash, then no count is doubled', async () => {
    const entries = [published(), entry('reply-r1', 1, submitted({ replyId: 'r1' }))];
    const once = await project(projection, entries);
    const again = await project(projection, entries, once);
    expect((again.get(`${ViewCollections.articles}/a1`) as ArticleView).stats.published).toBe(1);
  });

  describe('the auto-close schedule', () => {
    const DAY = 86_400_000;
    const publish = (id: string, publishedAt: string, autoCloseAfterDays: number) =>
      entry(`article-${id}`, 1, { type: 'article.published', schemaVersion: 1, data: { articleId: id, title: 'T', author: 'W', category: 'News', body: ['p'], publishedAt, settings: { ...DEFAULT_REPLY_SETTINGS, autoCloseAfterDays } } });
    const settings = (id: string, version: number, change: Partial<typeof DEFAULT_REPLY_SETTINGS>, previousDays: number) =>
      entry(`article-${id}`, version, { type: 'article.reply-settings-changed', schemaVersion: 1, data: { articleId: id, settings: { ...DEFAULT_REPLY_SETTINGS, ...change }, previous: { ...DEFAULT_REPLY_SETTINGS, autoCloseAfterDays: previousDays } } });
    const schedule = (docs: Map<string, unknown>) => (docs.get(`${ViewCollections.autoCloseSchedule}/${AUTO_CLOSE_SCHEDULE_ID}`) as AutoCloseSchedule | undefined)?.articles;
    const at = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

    it('given articles that close by themselves, then each with its closing time, soonest first', async () => {
      const docs = await project(projection, [publish('late', '2026-01-10T00:00:00.000Z', 2), publish('never', '2026-01-01T00:00:00.000Z', 0), publish('soon', '2026-01-05T00:00:00.000Z', 3)]);
      expect(schedule(docs)).toEqual([
        { articleId: 'soon', closesAt: at('2026-01-05T00:00:00.000Z', 3) },
        { articleId: 'late', closesAt: at('2026-01-10T00:00:00.000Z', 2) },
      ]);
    });

    it('given no article with a closing time, then no schedule at all', async () => {
      const docs = await project(projection, [publish('never', '2026-01-01T00:00:00.000Z', 0)]);
      expect(schedule(docs)).toBeUndefined();
    });

    it('given a new closing time, closing by hand, or the closing recorded, then it moves or leaves', async () => {
      const p = '2026-01-01T00:00:00.000Z';
      const docs = await project(projection, [
        publish('a', p, 2),
        publish('b', p, 4),
        publish('c', p, 6),
        settings('a', 2, { autoCloseAfterDays: 10 }, 2),
        settings('b', 2, { open: false, autoCloseAfterDays: 4 }, 4),
        entry('article-c', 2, { type: 'article.auto-closed', schemaVersion: 1, data: { articleId: 'c', afterDays: 6, closedAt: at(p, 6) } }),
      ]);
      expect(schedule(docs)).toEqual([{ articleId: 'a', closesAt: at(p, 10) }]);
    });

    it('given a reopened article with a closing time, then it is back in the schedule', async () => {
      const p = '2026-01-01T00:00:00.000Z';
      const docs = await project(projection, [publish('a', p, 2), settings('a', 2, { open: false, autoCloseAfterDays: 2 }, 2), settings('a', 3, { open: true, autoCloseAfterDays: 5 }, 2)]);
      expect(schedule(docs)).toEqual([{ articleId: 'a', closesAt: at(p, 5) }]);
    });

    it('given the events again after a crash, then the same schedule', async () => {
      const p = '2026-01-01T00:00:00.000Z';
      const entries = [publish('a', p, 2), publish('b', p, 1), settings('a', 2, { autoCloseAfterDays: 0 }, 2)];
      const once = await project(projection, entries);
      const again = await project(projection, entries, once);
      expect(schedule(again)).toEqual([{ articleId: 'b', closesAt: at(p, 1) }]);
    });
  });
});
