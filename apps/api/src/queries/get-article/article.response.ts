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
    replySettings: { ...a.settings, autoCloseAfterDays: a.settings.autoCloseAfterDays ?? 0 },
    /** When replies close by themselves (null: never); they are refused from then on. */
    repliesCloseAt: a.settings.open && (a.settings.autoCloseAfterDays ?? 0) > 0 ? new Date(new Date(a.publishedAt).getTime() + a.settings.autoCloseAfterDays! * 86_400_000).toISOString() : null,
    stats: { replies: a.stats.published, pending: a.stats.pending, retracted: a.stats.retracted, removed: a.stats.removed ?? 0, submitted: a.stats.submitted },
  };
}
