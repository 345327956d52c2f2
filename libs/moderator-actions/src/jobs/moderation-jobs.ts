import { jobId } from '@app/platform';

/** The jobs of the `moderation` queue, by name. Each has exactly one handler, checked at start. */
export enum ModerationJob {
  /** Carry out a bulk decision, in chunks, with progress. */
  RunBatch = 'run-batch',
  /** Put a batch's replies back where it found them, those still untouched. */
  UndoBatch = 'undo-batch',
  /** A suspension ran out: record its end (a delayed job). */
  EndSuspension = 'end-suspension',
}

export const MODERATION_QUEUE = 'moderation';

export interface BatchJobData {
  batchId: string;
  /** Log position of the request: a reject-all waits for the commenter ledger to pass it. */
  position: number;
  /** A ban's reject-all: the batch to request if the ban was recorded but its batch was not. */
  rejectAllOf?: { commenterId: string; reason: string | null };
}

export interface EndSuspensionData {
  commenterId: string;
  until: string;
}

export type ModerationJobData = BatchJobData | EndSuspensionData;

/** Deterministic and free of ':', so a dispatch replayed from the log is the same job; a sweep adds its round. */
export const moderationJobId = (name: ModerationJob, data: ModerationJobData, round?: number): string =>
  jobId(name, 'batchId' in data ? data.batchId : `${data.commenterId}-${Date.parse(data.until)}`, ...(round === undefined ? [] : [`r${round}`]));

export const MODERATION_JOB_OPTIONS = { attempts: 8, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: { age: 3_600 }, removeOnFail: { age: 86_400 } } as const;

/** Replies decided between two records of progress in the batch's stream. */
export const BATCH_CHUNK = 50;
