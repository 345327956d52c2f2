import type { mongo } from 'mongoose';
import { ArticleView, ReplyDetail } from '../projections/documents';
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

  /** Open articles whose replies close by themselves: what the auto-close job looks at. */
  articlesClosingByThemselves(): Promise<ArticleView[]> {
    return this.db
      .collection<ArticleView>(this.names.collection(ViewCollections.articles))
      .find({ 'settings.open': true, 'settings.autoCloseAfterDays': { $gt: 0 } })
      .toArray();
  }

  reply(replyId: string): Promise<ReplyDetail | null> {
    return this.db.collection<ReplyDetail>(this.names.collection(ViewCollections.replyDetails)).findOne({ _id: replyId });
  }
}

export async function ensureReadModelIndexes(db: mongo.Db, names: ViewNames): Promise<void> {
  // GET /articles: newest articles first.
  await db.collection(names.collection(ViewCollections.articles)).createIndex({ publishedAt: -1, _id: 1 }, { name: 'articles_newest' });
  // The auto-close job: open articles with a closing time.
  await db.collection(names.collection(ViewCollections.articles)).createIndex({ 'settings.open': 1, 'settings.autoCloseAfterDays': 1 }, { name: 'articles_closing' });
}
