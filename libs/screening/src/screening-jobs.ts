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

/** Deterministic, never containing ':': a duplicate dispatch of one version is the same job. */
export const screenJobId = (replyId: string, version: number): string => `screen-${replyId}-v${version}`;

/** Tries of a job before the reply is held for a human with the reason. */
export const SCREENING_ATTEMPTS = 5;
