import { Query } from '@nestjs/cqrs';

export interface ExportedVersion {
  version: number;
  at: string;
  body: string;
}

export interface ExportedChange {
  version: number;
  type: string;
  at: string;
  status?: string;
  /** Who caused it, by kind: the commenter, a moderator, an admin or the system (with its rule). */
  by: { kind: string; rule?: string };
  /** For a verdict or a moderator's decision: what was decided, and the reasons given. */
  decision?: string;
  reasons?: { code: string; detail: string }[];
  /** For their appeal: the note they wrote. */
  note?: string;
}

export interface ExportedReply {
  id: string;
  articleId: string;
  parentId: string | null;
  authorName: string;
  status: string;
  submittedAt: string;
  /** Every text the reply had, oldest first. */
  versions: ExportedVersion[];
  /** Every event of the reply: its status changes and the decisions about it. */
  history: ExportedChange[];
}

/** A signed-in reader's reactions on one reply: what stands now, and every change. */
export interface ExportedReactions {
  replyId: string;
  articleId: string;
  /** The types they have on it now (empty when all were taken back). */
  types: string[];
  history: { type: 'reply.reacted' | 'reply.unreacted'; reaction: string; at: string }[];
}

export interface CommenterDataExport {
  commenterId: string | null;
  exportedAt: string;
  replies: ExportedReply[];
  /** Reactions (signed-in readers only; guests cannot react). */
  reactions: ExportedReactions[];
}

/** Everything a commenter wrote and their reactions (or, for a guest, the replies they hold tokens for). */
export class ExportCommenterDataQuery extends Query<CommenterDataExport> {
  constructor(
    /** The person's commenter ids: the current one first, then any earlier one still unerased. */
    readonly commenterIds: string[],
    /** Only these replies (a guest's), instead of the commenter's whole list. */
    readonly replyIds?: string[],
  ) {
    super();
  }
}
