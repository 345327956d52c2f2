import { DEFAULT_REPLY_SETTINGS, ReplySettings } from '@app/domain';
import { ViewCollections } from '../versions';
import { AutoCloseScheduleProjection } from './auto-close-schedule.projection';
import { AUTO_CLOSE_SCHEDULE_ID, AutoCloseSchedule } from './documents';
import { Documents, entry, project, resetPositions, submitted } from './testing';

const projection = new AutoCloseScheduleProjection();
const DAY = 86_400_000;
const P = '2026-01-01T00:00:00.000Z';
const at = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

const publish = (id: string, publishedAt: string, autoCloseAfterDays: number) =>
  entry(`article-${id}`, 1, { type: 'article.published', schemaVersion: 1, data: { articleId: id, title: 'T', author: 'W', category: 'News', body: ['p'], publishedAt, settings: { ...DEFAULT_REPLY_SETTINGS, autoCloseAfterDays } } });
const settings = (id: string, version: number, change: Partial<ReplySettings>) =>
  entry(`article-${id}`, version, { type: 'article.reply-settings-changed', schemaVersion: 1, data: { articleId: id, settings: { ...DEFAULT_REPLY_SETTINGS, ...change }, previous: DEFAULT_REPLY_SETTINGS } });
const autoClosed = (id: string, version: number, days: number) =>
  entry(`article-${id}`, version, { type: 'article.auto-closed', schemaVersion: 1, data: { articleId: id, afterDays: days, closedAt: at(P, days) } });
const schedule = (docs: Documents) => (docs.get(`${ViewCollections.autoCloseSchedule}/${AUTO_CLOSE_SCHEDULE_ID}`) as AutoCloseSchedule | undefined)?.articles;

beforeEach(resetPositions);

describe('AutoCloseScheduleProjection', () => {
  it('given articles that close by themselves, then each with its closing time, soonest first', async () => {
    const docs = await project(projection, [publish('late', '2026-01-10T00:00:00.000Z', 2), publish('never', P, 0), publish('soon', '2026-01-05T00:00:00.000Z', 3)]);
    expect(schedule(docs)).toEqual([
      { articleId: 'soon', closesAt: at('2026-01-05T00:00:00.000Z', 3) },
      { articleId: 'late', closesAt: at('2026-01-10T00:00:00.000Z', 2) },
    ]);
  });

  it('given no article with a closing time, and replies, then no schedule at all', async () => {
    const docs = await project(projection, [publish('never', P, 0), entry('reply-r1', 1, submitted({ replyId: 'r1', articleId: 'never' }))]);
    expect(schedule(docs)).toBeUndefined();
  });

  it('given a new closing time, closing by hand, or the closing recorded, then it moves or leaves', async () => {
    const docs = await project(projection, [publish('a', P, 2), publish('b', P, 4), publish('c', P, 6), settings('a', 2, { autoCloseAfterDays: 10 }), settings('b', 2, { open: false, autoCloseAfterDays: 4 }), autoClosed('c', 2, 6)]);
    expect(schedule(docs)).toEqual([{ articleId: 'a', closesAt: at(P, 10) }]);
  });

  it('given a closing time set after publication, or a closed article reopened with one, then it is scheduled from the publication', async () => {
    const docs = await project(projection, [publish('a', P, 0), settings('a', 2, { autoCloseAfterDays: 3 }), publish('b', P, 2), autoClosed('b', 2, 2), settings('b', 3, { open: true, autoCloseAfterDays: 5 })]);
    expect(schedule(docs)).toEqual([
      { articleId: 'a', closesAt: at(P, 3) },
      { articleId: 'b', closesAt: at(P, 5) },
    ]);
  });

  it('given a crash after the articles were written and before the schedule was, then the replay completes the schedule', async () => {
    const first = [publish('a', P, 2)];
    const batch = [publish('b', P, 1), settings('a', 2, { autoCloseAfterDays: 0 })];
    const before = await project(projection, first);
    const after = await project(projection, batch, before);
    // The articles' collection was written, the schedule's was not: the batch is read again.
    const crashed = new Map([...before]);
    for (const [key, doc] of after) if (key.startsWith(`${ViewCollections.autoCloseArticles}/`)) crashed.set(key, doc);
    const replayed = await project(projection, batch, crashed);
    expect(schedule(replayed)).toEqual([{ articleId: 'b', closesAt: at(P, 1) }]);
    expect(schedule(replayed)).toEqual(schedule(after));
  });

  it('puts every entry in one partition: the schedule has one writer in log order', () => {
    expect(projection.partitionOf(publish('a', P, 2))).toBe(projection.partitionOf(publish('b', P, 3)));
  });
});
