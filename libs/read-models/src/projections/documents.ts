import { ArticlePublished, ReplyStatus } from '@app/domain';
import { ViewDocument } from './projection';

export interface ArticleStats {
  /** Every reply ever accepted. */
  submitted: number;
  published: number;
  pending: number;
  retracted: number;
}

type PublishedArticle = ArticlePublished['data'];

/** The article as published, with its current settings and reply counts. */
export interface ArticleView extends ViewDocument, PublishedArticle {
  settingsVersion: number;
  stats: ArticleStats;
}

export interface ReplySummary {
  id: string;
  parentId: string | null;
  depth: number;
  author: { kind: string; name: string };
  /** Emptied when retracted: the thread keeps only a placeholder. */
  body: string;
  status: ReplyStatus;
  submittedAt: string;
  editedAt: string | null;
  /** Published replies below this one, at any depth. */
  replyCount: number;
  replies: ReplySummary[];
}

/** One bucket of a thread: up to THREAD_BUCKET_SIZE top-level replies in submission order. */
export interface ThreadBucket extends ViewDocument {
  articleId: string;
  bucket: number;
  items: ReplySummary[];
}

export interface TopEntry {
  id: string;
  bucket: number;
  score: number;
  submittedAt: string;
}

/** Per article: how many buckets there are and how full the last one is. Small: written per root. */
export interface ThreadMeta extends ViewDocument {
  articleId: string;
  lastBucket: number;
  lastBucketSize: number;
}

/** Per article: the ranked list `sort=top` pages through; written only when the ranking changes. */
export interface ThreadTop extends ViewDocument {
  articleId: string;
  top: TopEntry[];
}

/** Where a reply sits in its thread. */
export interface ThreadIndexEntry extends ViewDocument {
  articleId: string;
  rootId: string;
  bucket: number;
}

export interface ReplyHistoryEntry {
  version: number;
  type: string;
  at: string;
  body?: string;
  status?: ReplyStatus;
  actor: { kind: string; name: string };
}

export interface ReplyDetail extends ViewDocument {
  articleId: string;
  parentId: string | null;
  rootId: string;
  depth: number;
  author: { kind: string; id: string; name: string };
  body: string;
  status: ReplyStatus;
  submittedAt: string;
  editedAt: string | null;
  /** Stream version: the ETag edits must match. */
  version: number;
  history: ReplyHistoryEntry[];
}

export const threadMetaId = (articleId: string) => articleId;
export const threadTopId = (articleId: string) => articleId;
export const threadBucketId = (articleId: string, bucket: number) => `${articleId}/${bucket}`;
