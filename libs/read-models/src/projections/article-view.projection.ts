import { ArticleEvent, ReplyEvent } from '@app/domain';
import { ViewCollections } from '../versions';
import { ArticleStats, ArticleView } from './documents';
import { UnappliableEventError } from './errors';
import { EventAt, Projection, ProjectionStore } from './projection';

const EMPTY_STATS: ArticleStats = { submitted: 0, published: 0, pending: 0, retracted: 0 };

type Counted = keyof Omit<ArticleStats, 'submitted'>;

/** Articles with their reply settings and reply counts. */
export class ArticleViewProjection implements Projection {
  readonly name = 'article-views';
  /** 2: counts by every status of the moderation state machine. */
  readonly version = 2;
  readonly collections = [ViewCollections.articles];

  async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    const event = at.event as ArticleEvent | ReplyEvent;
    const C = ViewCollections.articles;
    switch (event.type) {
      case 'article.published': {
        const d = event.data;
        await store.update<ArticleView>(C, d.articleId, at, () => ({
          _id: d.articleId,
          ...d,
          settingsVersion: at.entry.version + at.index,
          stats: EMPTY_STATS,
        }));
        return;
      }
      case 'article.reply-settings-changed':
        await store.update<ArticleView>(C, event.data.articleId, at, (doc) => ({
          ...this.existing(doc, at),
          settings: event.data.settings,
          settingsVersion: at.entry.version + at.index,
        }));
        return;
      case 'article.auto-closed':
        await store.update<ArticleView>(C, event.data.articleId, at, (doc) => {
          const view = this.existing(doc, at);
          return { ...view, settings: { ...view.settings, open: false }, settingsVersion: at.entry.version + at.index };
        });
        return;
      case 'reply.submitted':
        await this.count(store, at, event.data.articleId, { submitted: 1, [event.data.status]: 1 });
        return;
      case 'reply.retracted':
        await this.count(store, at, event.data.articleId, {
          [event.data.previousStatus as Counted]: -1,
          retracted: 1,
        });
        return;
      case 'reply.screened':
      case 'reply.moderated':
        if (event.data.status === event.data.previousStatus) return;
        await this.count(store, at, event.data.articleId, { [event.data.previousStatus as Counted]: -1, [event.data.status as Counted]: 1 });
        return;
      case 'reply.erased':
        await this.count(store, at, event.data.articleId, {
          [event.data.previousStatus as Counted]: -1,
          removed: 1,
        });
        return;
    }
  }

  private async count(store: ProjectionStore, at: EventAt, articleId: string, delta: Partial<ArticleStats>) {
    await store.update<ArticleView>(ViewCollections.articles, articleId, at, (found) => {
      const doc = this.existing(found, at);
      const stats = { ...doc.stats };
      // `removed` came later: documents from before it lack the counter.
      for (const [k, v] of Object.entries(delta) as [keyof ArticleStats, number][]) stats[k] = (stats[k] ?? 0) + v;
      return { ...doc, stats };
    });
  }

  /** Replies and settings changes are sequenced after their article's publication. */
  private existing(doc: ArticleView | null, at: EventAt): ArticleView {
    if (!doc) throw new UnappliableEventError(at, 'the article is not in the view');
    return doc;
  }
}
