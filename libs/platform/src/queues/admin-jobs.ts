/** The jobs of the `admin` queue, by name. Each has exactly one handler, checked at start. */
export enum AdminJob {
  /** Rebuild views into scratch collections and list every difference from the live ones. */
  Verify = 'verify',
  /** Rebuild projections into a new generation of their views and flip readers to it (docs/decisions/0034). */
  Rebuild = 'rebuild',
  /** Drop the views a flipped rebuild replaced: at an admin's word, or after the delay if verify is clean. */
  DropRetiredViews = 'drop-retired-views',
}

export interface RebuildJobData {
  rebuildId: string;
}

export interface DropRetiredViewsJobData {
  rebuildId: string;
  /** An admin asked: dropped without waiting for verify. */
  byAdmin: boolean;
}

export const rebuildJobId = (rebuildId: string) => `rebuild-${rebuildId}`;
export const dropRetiredJobId = (rebuildId: string, byAdmin: boolean) => `drop-retired-${rebuildId}${byAdmin ? '-admin' : ''}`;
/** A rebuild job tries this often (a store or Redis outage), then the rebuild is marked failed. */
export const REBUILD_ATTEMPTS = 8;

const KEPT_A_DAY = { removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } };

/** The job that runs (or resumes) a rebuild; its id is the rebuild's, so queueing it twice is harmless. */
export const rebuildJob = (rebuildId: string) => ({
  name: AdminJob.Rebuild,
  data: { rebuildId } satisfies RebuildJobData,
  opts: { jobId: rebuildJobId(rebuildId), attempts: REBUILD_ATTEMPTS, backoff: { type: 'exponential', delay: 1_000 }, ...KEPT_A_DAY },
});

/** The job that drops the views a rebuild replaced, after `delayMs`. */
export const dropRetiredViewsJob = (rebuildId: string, byAdmin: boolean, delayMs = 0) => ({
  name: AdminJob.DropRetiredViews,
  data: { rebuildId, byAdmin } satisfies DropRetiredViewsJobData,
  opts: { jobId: dropRetiredJobId(rebuildId, byAdmin), delay: delayMs, attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, ...KEPT_A_DAY },
});

export const ADMIN_QUEUE = 'admin';

/** One verification an admin asked for, and its report once done. */
export interface VerificationDocument {
  _id: string;
  /** Projection names, or every live one. */
  projections: string[];
  state: 'queued' | 'running' | 'done' | 'failed';
  requestedBy: { kind: string; id: string };
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Per projection: the live checkpoint the rebuild was compared at. */
  checkedAt: Record<string, number> | null;
  documents: number | null;
  movedOn: number | null;
  /** Every difference, up to MAX_LISTED_DIFFERENCES; `differenceCount` counts them all. */
  differences: { collection: string; id: string; field: string; live: unknown; rebuilt: unknown }[];
  differenceCount: number | null;
  error: string | null;
}

export const VERIFICATIONS = 'verifications';
export const MAX_LISTED_DIFFERENCES = 1_000;
