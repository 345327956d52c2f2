import { DomainEvent } from '../shared/domain-event';

export type ModerationMode = 'pre' | 'post';

export interface ReplySettings {
  /** Readers may submit replies. */
  open: boolean;
  /** Guests (name and email, no account) may submit. */
  guestsAllowed: boolean;
  /** `pre`: hold every reply for a moderator; `post`: publish, review on flags. */
  moderation: ModerationMode;
  /** Minutes after submission during which the author may edit or retract. */
  editWindowMinutes: number;
  /** Deepest nesting allowed: 1 means top-level replies only. */
  maxDepth: number;
  /**
   * Replies close this many days after publication (0: never). Absent from settings recorded
   * before it existed, which never close by themselves.
   */
  autoCloseAfterDays?: number;
}

export const DEFAULT_REPLY_SETTINGS: ReplySettings = {
  open: true,
  guestsAllowed: true,
  moderation: 'post',
  editWindowMinutes: 15,
  maxDepth: 3,
  autoCloseAfterDays: 0,
};

export type ArticlePublished = DomainEvent<
  'article.published',
  {
    articleId: string;
    title: string;
    author: string;
    category: string;
    body: string[];
    publishedAt: string;
    settings: ReplySettings;
  }
>;

export type ArticleReplySettingsChanged = DomainEvent<
  'article.reply-settings-changed',
  { articleId: string; settings: ReplySettings; previous: ReplySettings }
>;

/** Its replies closed by themselves, `afterDays` after publication (the settings in force then). */
export type ArticleAutoClosed = DomainEvent<'article.auto-closed', { articleId: string; afterDays: number; closedAt: string }>;

export type ArticleEvent = ArticlePublished | ArticleReplySettingsChanged | ArticleAutoClosed;

export const ARTICLE_EVENT_TYPES = ['article.published', 'article.reply-settings-changed', 'article.auto-closed'] as const;
