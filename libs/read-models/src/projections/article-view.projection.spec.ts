import { DEFAULT_REPLY_SETTINGS } from '@app/domain';
import { ViewCollections } from '../versions';
import { ArticleViewProjection } from './article-view.projection';
import { ArticleView } from './documents';
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
});
