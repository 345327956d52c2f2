/** The jobs of the `spam` queue, by name. Each has exactly one handler, checked at start. */
export enum ScreeningJob {
  /** Score one version of a reply and record the verdict. */
  ScreenReply = 'screen-reply',
}

export const SPAM_QUEUE = 'spam';

export interface ScreenReplyData {
  replyId: string;
  articleId: string;
  /** The stream version whose text is scored. */
  version: number;
  /** Its commit, where the network data of the submission is kept. */
  commitId: string;
}

/**
 * Deterministic, never containing ':': a duplicate dispatch of one version is the same job. A
 * sweep queues a version again under `round` (one per retry period), so a job BullMQ still
 * keeps as failed does not swallow it.
 */
export const screenJobId = (replyId: string, version: number, round?: number): string => `screen-${replyId}-v${version}${round === undefined ? '' : `-r${round}`}`;

export const SCREENING_JOB_OPTIONS = { backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 3_600 }, removeOnFail: { age: 86_400 } } as const;

/** Tries of a job before the reply is held for a human with the reason. */
export const SCREENING_ATTEMPTS = 5;
