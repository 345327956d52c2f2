import { ArticleView } from '@app/read-models';

/** What the API shows of an article view: no internal position fields. */
export function articleResponse(a: ArticleView) {
  return {
    id: a.articleId,
    title: a.title,
    author: a.author,
    category: a.category,
    ...(a.body ? { body: a.body } : {}),
    publishedAt: a.publishedAt,
    replySettings: a.settings,
    stats: { replies: a.stats.published, pending: a.stats.pending, retracted: a.stats.retracted, removed: a.stats.removed ?? 0, submitted: a.stats.submitted },
  };
}
