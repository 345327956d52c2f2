/** Read-model collection names carry their projector version, so a rebuild writes beside them. */
export const ViewCollections = {
  articles: 'article_views__v1',
  threadMeta: 'thread_meta__v1',
  threadTop: 'thread_top__v1',
  threadBuckets: 'thread_buckets__v1',
  threadIndex: 'thread_index__v1',
  threadChildren: 'thread_children__v1',
  threadChildrenMeta: 'thread_children_meta__v1',
  replyDetails: 'reply_details__v1',
} as const;

/** Replies per thread bucket (top-level, or one reply's direct replies): one lookup serves a page. */
export const THREAD_BUCKET_SIZE = 100;
/** Top-level replies kept ranked for `sort=top`. */
export const TOP_LIST_SIZE = 300;
/** Direct replies a summary carries inline; the rest are paged from its children buckets. */
export const PREVIEW_SIZE = 3;
/** Characters of an author's name the thread keeps: names come from tokens, bound them here too. */
export const THREAD_NAME_LENGTH = 100;
