import { ArticlePublished, FlagTally, ReactionCounts, ReplyStatus } from '@app/domain';
import { ViewDocument } from './projection';

export interface ArticleStats {
  /** Every reply ever accepted. */
  submitted: number;
  published: number;
  pending: number;
  retracted: number;
  /** Counters that came later: absent until the article has one. */
  removed?: number;
  checking?: number;
  rejected?: number;
  spam?: number;
}

type PublishedArticle = ArticlePublished['data'];

/** The article as published, with its current settings and reply counts. */
export interface ArticleView extends ViewDocument, PublishedArticle {
  settingsVersion: number;
  stats: ArticleStats;
}

/**
 * The open articles whose replies close by themselves, with when, soonest first: one document
 * (`_id` `AUTO_CLOSE_SCHEDULE_ID`), so the timed job reads what is due without scanning every
 * article ever published. Bounded by the articles open with a closing time, not by history
 * (about 60 bytes an article: the 16 MB document limit is a quarter of a million of them).
 */
export interface AutoCloseSchedule extends ViewDocument {
  articles: { articleId: string; closesAt: string }[];
}

/** What the schedule needs to know of an article between its events: when it was published. */
export interface AutoCloseArticle extends ViewDocument {
  publishedAt: string;
}

export const AUTO_CLOSE_SCHEDULE_ID = 'open';

/** What the thread shows of a reply. A preview entry carries no replies of its own. */
export interface ReplyPreview {
  id: string;
  parentId: string | null;
  depth: number;
  author: { kind: string; name: string };
  /** Emptied when retracted: the thread keeps only a placeholder. */
  body: string;
  status: ReplyStatus;
  submittedAt: string;
  editedAt: string | null;
  /** Published replies beneath this one, at any depth, reached through placed replies. */
  replyCount: number;
  /** Chosen by a moderator; shown first. Absent before moderation existed. */
  featured?: boolean;
  /** Readers' reactions, per type (thread v4). Anonymous counts: they stay after an erasure. */
  reactions?: ReactionCounts;
  /**
   * Published, but readers' flags reached the threshold of a policy that hides at it: shown
   * and counted like a reply taken down until a moderator decides (thread v5). Absent: not hidden.
   */
  hiddenByFlags?: true;
}

/** A reply as its bucket holds it: with the first few of its direct replies. */
export interface ReplySummary extends ReplyPreview {
  /** Direct replies placed in its children buckets (published when placed; retracted ones stay). */
  childCount: number;
  /** Its first PREVIEW_SIZE direct replies, in placement order: the head of its children buckets. */
  preview: ReplyPreview[];
}

/** One bucket of a thread: up to THREAD_BUCKET_SIZE top-level replies in placement order. */
export interface ThreadBucket extends ViewDocument {
  articleId: string;
  bucket: number;
  items: ReplySummary[];
}

/** One bucket of a reply's direct replies (`<parentId>/<n>`): up to THREAD_BUCKET_SIZE, in placement order. */
export interface ThreadChildren extends ViewDocument {
  articleId: string;
  parentId: string;
  bucket: number;
  items: ReplySummary[];
}

export interface TopEntry {
  id: string;
  bucket: number;
  /** Reactions on the root, every type together (thread v4; replies before). */
  score: number;
  /** Published replies beneath the root: the tie-breaker. */
  replies: number;
  submittedAt: string;
}

/** Per article: how many buckets there are and how full the last one is. Small: written per root. */
export interface ThreadMeta extends ViewDocument {
  articleId: string;
  lastBucket: number;
  lastBucketSize: number;
}

/** Per reply with direct replies: the same counters for its children buckets. Written last. */
export interface ThreadChildrenMeta extends ViewDocument {
  articleId: string;
  parentId: string;
  lastBucket: number;
  lastBucketSize: number;
}

/** Per article: the ranked list `sort=top` pages through; written only when the ranking changes. */
export interface ThreadTop extends ViewDocument {
  articleId: string;
  top: TopEntry[];
}

/** Every reply the thread has seen, public or not: where it sits and what it is. */
export interface ThreadIndexEntry extends ViewDocument {
  articleId: string;
  rootId: string;
  parentId: string | null;
  /** Root first, parent last; empty for a root. At most maxDepth - 1 long. */
  ancestors: string[];
  status: ReplyStatus;
  /**
   * The bucket its summary is placed in (the article's for a root, its parent's children
   * buckets otherwise); null while it is not public (held, later rejected or spam).
   */
  bucket: number | null;
  /** Its summary while it is not placed, kept current so it can be placed as it stands. */
  unplaced: ReplySummary | null;
  /** An edit of the published reply waiting for its verdict: readers see it once published. */
  revision?: { body: string; editedAt: string } | null;
  /** The event that placed it in its bucket: a replay of that event places it again (replay safety). */
  placedAt?: { position: number; eventIndex: number };
  /** Readers' flags since the last moderator's decision, and whether they hid it (thread v5). Absent: none. */
  flags?: FlagTally;
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
  /** The latest text: what the author, moderators and admins see. */
  body: string;
  /** What readers see: the text last published ('' while not published). */
  publicBody: string;
  status: ReplyStatus;
  featured: boolean;
  /** The last accepted verdict: the statement of reasons the author is shown. */
  verdict: { decision: string; score: number; reasons: { code: string; detail: string }[]; policyVersion: number; modelVersion: number | null; scoredVersion: number } | null;
  /** The last moderator's decision and its reason. */
  decision: { action: string; reason: string | null; batchId: string | null; at: string } | null;
  /** The author's appeal: open until a moderator's decision settles it, for good. Absent: none. */
  appeal?: { status: 'open' | 'settled'; note: string; at: string; decidedAt: string | null } | null;
  submittedAt: string;
  editedAt: string | null;
  /** Stream version: the ETag edits must match. Reactions (other streams) leave it alone. */
  version: number;
  history: ReplyHistoryEntry[];
  /** Readers' reactions, per type (reply-details v4). */
  reactions?: ReactionCounts;
  /** Readers' flags since the last moderator's decision, and whether they hid it (reply-details v5). Absent: none. */
  flags?: FlagTally;
}

export const threadMetaId = (articleId: string) => articleId;
export const threadTopId = (articleId: string) => articleId;
export const threadBucketId = (articleId: string, bucket: number) => `${articleId}/${bucket}`;
export const threadChildrenId = (parentId: string, bucket: number) => `${parentId}/${bucket}`;
export const threadChildrenMetaId = (parentId: string) => parentId;
