/**
 * Logical names of the view collections. Where each one lives is the ViewNames resolver's
 * answer: `<name>__v<projector version>` for the live views, a scratch prefix for `verify`.
 */
export const ViewCollections = {
  articles: 'article_views',
  threadMeta: 'thread_meta',
  threadTop: 'thread_top',
  threadBuckets: 'thread_buckets',
  threadIndex: 'thread_index',
  replyDetails: 'reply_details',
} as const;

/** Top-level replies per thread bucket: one lookup serves a page. */
export const THREAD_BUCKET_SIZE = 100;
/** Top-level replies kept ranked for `sort=top`. */
export const TOP_LIST_SIZE = 300;
