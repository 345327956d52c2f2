/**
 * Logical names of the view collections. Where each one lives is the ViewNames resolver's
 * answer: `<name>__v<projector version>` for the live views, a scratch prefix for `verify`.
 */
export const ViewCollections = {
  articles: 'article_views',
  autoCloseArticles: 'auto_close_articles',
  autoCloseSchedule: 'auto_close_schedule',
  threadMeta: 'thread_meta',
  threadTop: 'thread_top',
  threadBuckets: 'thread_buckets',
  threadIndex: 'thread_index',
  threadChildren: 'thread_children',
  threadChildrenMeta: 'thread_children_meta',
  replyDetails: 'reply_details',
  logBuckets: 'moderation_log_buckets',
  logMeta: 'moderation_log_meta',
  queueBuckets: 'moderation_queue_buckets',
  queueEntries: 'moderation_queue_entries',
  queueMeta: 'moderation_queue_meta',
  queueCounts: 'moderation_queue_counts',
  commenterReplies: 'commenter_replies',
  commenterMeta: 'commenter_meta',
  commenterReactions: 'commenter_reactions',
  spamTokens: 'spam_model_tokens',
  spamTotals: 'spam_model_totals',
  spamLessons: 'spam_model_lessons',
} as const;

/** Reply references per bucket of a commenter's list: a prolific commenter's list stays paged. */
export const COMMENTER_BUCKET_SIZE = 500;

/** Replies per thread bucket (top-level, or one reply's direct replies): one lookup serves a page. */
export const THREAD_BUCKET_SIZE = 100;
/** Top-level replies kept ranked for `sort=top`. */
export const TOP_LIST_SIZE = 300;
/** Direct replies a summary carries inline; the rest are paged from its children buckets. */
export const PREVIEW_SIZE = 3;
/** Characters of an author's name the thread keeps: names come from tokens, bound them here too. */
export const THREAD_NAME_LENGTH = 100;
