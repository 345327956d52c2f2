/** Read-model collection names carry their projector version, so a rebuild writes beside them. */
export const ViewCollections = {
  articles: 'article_views__v1',
  threadMeta: 'thread_meta__v1',
  threadTop: 'thread_top__v1',
  threadBuckets: 'thread_buckets__v1',
  threadIndex: 'thread_index__v1',
  replyDetails: 'reply_details__v1',
} as const;

/** Top-level replies per thread bucket: one lookup serves a page. */
export const THREAD_BUCKET_SIZE = 100;
/** Top-level replies kept ranked for `sort=top`. */
export const TOP_LIST_SIZE = 300;
