import { Actor, NotReplayed, WhatIfChange } from '@app/domain';
import { ModerationPolicy } from '@app/moderation';
import { Command } from '@nestjs/cqrs';
import { WhatIfScope } from './replies-in-scope';

export interface WhatIfReport {
  policy: { version: number | null; draft: boolean };
  scope: { articleId: string | null; from: string | null; to: string | null };
  /** Replies looked at. */
  scanned: number;
  /** False when the scope held more than MAX_WHAT_IF_REPLIES: go on from `lastSequencedAt`. */
  complete: boolean;
  lastSequencedAt: string | null;
  /** Replies left out, counted by why (a moderator decided, no verdict, ...). */
  notReplayed: Partial<Record<NotReplayed, number>>;
  /** Every reply whose decision would differ, in log order. */
  changes: WhatIfChange[];
  /** With apply: the batch taking the changes that have an action; null when there were none. */
  batchId: string | null;
}

/** Replays the verdicts in scope under `policy`; with `apply`, requests a batch of their changes. */
export class WhatIfCommand extends Command<WhatIfReport> {
  constructor(
    readonly policy: { kind: 'version'; version: number } | { kind: 'draft'; rules: Record<string, unknown> },
    readonly scope: WhatIfScope,
    readonly apply: boolean,
    readonly reason: string | null,
    readonly admin: Actor,
  ) {
    super();
  }
}

export type ResolvedPolicy = { policy: ModerationPolicy; version: number | null };
