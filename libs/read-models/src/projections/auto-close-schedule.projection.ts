import { ArticleEvent, ReplySettings } from '@app/domain';
import { LogEntry } from '@app/event-store';
import { ViewCollections } from '../versions';
import { AUTO_CLOSE_SCHEDULE_ID, AutoCloseArticle, AutoCloseSchedule } from './documents';
import { UnappliableEventError } from './errors';
import { EventAt, Projection, ProjectionStore } from './projection';

const DAY = 86_400_000;

/**
 * The auto-close schedule: the open articles whose replies close by themselves, soonest first,
 * in one document the timed job reads by `_id`. One partition for the whole log: the schedule
 * is fed by every article, and a document with several partitions' writers would skip an
 * older entry retried after a parked one (positions are per document).
 */
export class AutoCloseScheduleProjection implements Projection {
  readonly name = 'auto-close-schedule';
  readonly version = 1;
  /** The schedule last: it is decided from the article's document. */
  readonly collections = [ViewCollections.autoCloseArticles, ViewCollections.autoCloseSchedule];

  partitionOf(_entry: LogEntry): string {
    return 'schedule';
  }

  async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    const event = at.event as ArticleEvent;
    switch (event.type) {
      case 'article.published': {
        const { articleId, publishedAt, settings } = event.data;
        await store.update<AutoCloseArticle>(ViewCollections.autoCloseArticles, articleId, at, () => ({ _id: articleId, publishedAt }));
        await this.schedule(store, at, articleId, closesAt(publishedAt, settings));
        return;
      }
      case 'article.reply-settings-changed': {
        const article = await store.get<AutoCloseArticle>(ViewCollections.autoCloseArticles, event.data.articleId);
        if (!article) throw new UnappliableEventError(at, 'the article is not in the schedule’s list');
        await this.schedule(store, at, event.data.articleId, closesAt(article.publishedAt, event.data.settings));
        return;
      }
      case 'article.auto-closed':
        await this.schedule(store, at, event.data.articleId, null);
        return;
    }
  }

  /** Puts the article in the schedule at `when`, or takes it out (null); written only when that changes. */
  private async schedule(store: ProjectionStore, at: EventAt, articleId: string, when: string | null): Promise<void> {
    const current = await store.get<AutoCloseSchedule>(ViewCollections.autoCloseSchedule, AUTO_CLOSE_SCHEDULE_ID);
    if ((current?.articles.find((a) => a.articleId === articleId)?.closesAt ?? null) === when) return;
    await store.update<AutoCloseSchedule>(ViewCollections.autoCloseSchedule, AUTO_CLOSE_SCHEDULE_ID, at, (doc) => {
      const others = (doc?.articles ?? []).filter((a) => a.articleId !== articleId);
      const articles = when === null ? others : [...others, { articleId, closesAt: when }];
      return { _id: AUTO_CLOSE_SCHEDULE_ID, articles: articles.sort((a, b) => a.closesAt.localeCompare(b.closesAt) || a.articleId.localeCompare(b.articleId)) };
    });
  }
}

/** When replies close by themselves under these settings, or null: never, or closed already. */
function closesAt(publishedAt: string, settings: ReplySettings): string | null {
  const days = settings.open ? (settings.autoCloseAfterDays ?? 0) : 0;
  return days > 0 ? new Date(Date.parse(publishedAt) + days * DAY).toISOString() : null;
}
