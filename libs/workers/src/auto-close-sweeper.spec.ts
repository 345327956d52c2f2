import { Article, DEFAULT_REPLY_SETTINGS } from '@app/domain';
import { StreamConflictError } from '@app/event-store';
import type { Aggregates, AppConfig } from '@app/platform';
import type { ViewReader } from '@app/read-models';
import { AutoCloseSweeper } from './auto-close-sweeper';

const DAY = 86_400_000;
const published = new Date('2026-01-01T00:00:00.000Z');
const closesAt = (days: number) => new Date(published.getTime() + days * DAY).toISOString();

/** A sweeper over a schedule of articles, each closing `days` after publication; `broken` fail to load. */
function sweeperFor(schedule: { articleId: string; days: number }[], now: Date, broken: string[] = [], closedMeanwhile: string[] = []) {
  const loaded: string[] = [];
  const appended: string[] = [];
  const views = { articlesClosingByThemselves: async () => schedule.map(({ articleId, days }) => ({ articleId, closesAt: closesAt(days) })) } as unknown as ViewReader;
  const aggregates = {
    article: async (id: string) => {
      loaded.push(id);
      if (broken.includes(id)) throw new Error(`cannot load ${id}`);
      const { days } = schedule.find((s) => s.articleId === id)!;
      const article = Article.publish({ articleId: id, title: 'T', author: 'W', category: 'News', body: ['p'], settings: { ...DEFAULT_REPLY_SETTINGS, autoCloseAfterDays: days } }, published);
      article.pullEvents();
      return { article, stream: { streamId: `article-${id}`, version: 1 } };
    },
    store: {
      append: async (stream: { streamId: string }) => {
        if (closedMeanwhile.some((id) => stream.streamId === `article-${id}`)) throw new StreamConflictError(stream.streamId, 1);
        appended.push(stream.streamId);
      },
    },
  } as unknown as Aggregates;
  return { sweeper: new AutoCloseSweeper(views, aggregates, {} as AppConfig, () => now), loaded, appended };
}

describe('AutoCloseSweeper', () => {
  it('closes what is due and stops at the first article not due yet', async () => {
    const { sweeper, loaded, appended } = sweeperFor([{ articleId: 'a', days: 1 }, { articleId: 'b', days: 2 }, { articleId: 'c', days: 5 }, { articleId: 'd', days: 9 }], new Date(published.getTime() + 3 * DAY));
    expect(await sweeper.sweep()).toEqual(['a', 'b']);
    expect(appended).toEqual(['article-a', 'article-b']);
    expect(loaded).toEqual(['a', 'b']);
  });

  it('goes on past an article it cannot close, then reports it', async () => {
    const { sweeper, appended } = sweeperFor([{ articleId: 'a', days: 1 }, { articleId: 'b', days: 2 }], new Date(published.getTime() + 3 * DAY), ['a']);
    await expect(sweeper.sweep()).rejects.toThrow('could not close 1 (next pass tries again): a: cannot load a');
    expect(appended).toEqual(['article-b']);
  });

  it('takes a closing another worker recorded first as done', async () => {
    const { sweeper, appended } = sweeperFor([{ articleId: 'a', days: 1 }, { articleId: 'b', days: 1 }], new Date(published.getTime() + 2 * DAY), [], ['a']);
    expect(await sweeper.sweep()).toEqual(['b']);
    expect(appended).toEqual(['article-b']);
  });
});
