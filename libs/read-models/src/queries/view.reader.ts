import type { mongo } from 'mongoose';
import { ArticleView, AUTO_CLOSE_SCHEDULE_ID, AutoCloseSchedule, ReplyDetail } from '../projections/documents';
import { ViewCollections } from '../versions';
import { ViewNames } from '../view-names';

export class ViewReader {
  constructor(
    private readonly db: mongo.Db,
    private readonly names: ViewNames,
  ) {}

  article(articleId: string): Promise<ArticleView | null> {
    return this.db.collection<ArticleView>(this.names.collection(ViewCollections.articles)).findOne({ _id: articleId });
  }

  /** Articles are few next to replies; a sorted scan is fine here. */
  articles(limit: number, skip: number): Promise<ArticleView[]> {
    return this.db
      .collection<ArticleView>(this.names.collection(ViewCollections.articles))
      .find({}, { projection: { body: 0 } })
      .sort({ publishedAt: -1, _id: 1 })
      .skip(skip)
      .limit(limit)
      .toArray();
  }

  /** Open articles whose replies close by themselves, and when: what the auto-close job looks at (one lookup). */
  async articlesClosingByThemselves(): Promise<AutoCloseSchedule['articles']> {
    const schedule = await this.db.collection<AutoCloseSchedule>(this.names.collection(ViewCollections.autoCloseSchedule)).findOne({ _id: AUTO_CLOSE_SCHEDULE_ID });
    // Soonest first, as the projection keeps it; sorted here too, since the sweep stops at the first not due.
    return [...(schedule?.articles ?? [])].sort((a, b) => a.closesAt.localeCompare(b.closesAt));
  }

  reply(replyId: string): Promise<ReplyDetail | null> {
    return this.db.collection<ReplyDetail>(this.names.collection(ViewCollections.replyDetails)).findOne({ _id: replyId });
  }
}

export async function ensureReadModelIndexes(db: mongo.Db, names: ViewNames): Promise<void> {
  // GET /articles: newest articles first.
  await db.collection(names.collection(ViewCollections.articles)).createIndex({ publishedAt: -1, _id: 1 }, { name: 'articles_newest' });
}
