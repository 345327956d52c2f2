/** The jobs of the `admin` queue, by name. Each has exactly one handler, checked at start. */
export enum AdminJob {
  /** Rebuild views into scratch collections and list every difference from the live ones. */
  Verify = 'verify',
}

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
