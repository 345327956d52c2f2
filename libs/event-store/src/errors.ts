/** Another writer appended to the stream first: reload and retry, or report 409. */
export class StreamConflictError extends Error {
  constructor(readonly streamId: string, readonly expectedVersion: number) {
    super(`stream ${streamId} changed after version ${expectedVersion}`);
    this.name = 'StreamConflictError';
  }
}

export const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: number }).code === DUPLICATE_KEY;
}

/**
 * A view document reads older than this holder last wrote it: a write given up on, or a
 * previous holder's, landed late over it. Building on it would lose what was undone, so the
 * consumer rewinds to `position` (the document's own) and replays from there.
 */
export class ViewRolledBackError extends Error {
  constructor(
    readonly document: string,
    readonly position: number,
    written: number,
  ) {
    super(`view document ${document} was rolled back from position ${written} to ${position}`);
    this.name = 'ViewRolledBackError';
  }
}

/** A fault injected on purpose by the chaos run and the fault tests; handled like a store outage. */
export class InjectedStoreFault extends Error {
  constructor(step: string) {
    super(`injected store fault at ${step}`);
    this.name = 'InjectedStoreFault';
  }
}

/**
 * Errors that say nothing about the events being handled: the store or the lease was not
 * there. Such a batch is retried from the checkpoint as long as it takes, never parked.
 */
export function isTransient(error: unknown): boolean {
  // A grouped insert that failed as a whole: whatever made it fail.
  if ((error as { name?: string } | null)?.name === 'BatchOutcomeUnknownError') return isTransient((error as { cause?: unknown }).cause);
  const e = error as { name?: string; code?: unknown; hasErrorLabel?: (label: string) => boolean } | null;
  const name = e?.name ?? '';
  if (/^Mongo(ServerSelection|Network|NotConnected|Topology|PoolClosed)/.test(name)) return true;
  if (['PoolClearedError', 'StoreTimeoutError', 'LeaseLostError', 'InjectedStoreFault', 'LogPositionTakenError', 'QueueUnavailableError'].includes(name)) return true;
  if (e?.hasErrorLabel?.('RetryableWriteError') || e?.hasErrorLabel?.('TransientTransactionError')) return true;
  // The store answered, but about itself (shutting down, stepping down, busy, too slow), or
  // another writer inserted a view document first: the next try sees the store as it is.
  return typeof e?.code === 'number' && TRANSIENT_CODES.has(e.code);
}

const TRANSIENT_CODES = new Set([DUPLICATE_KEY, 6, 7, 50, 89, 91, 112, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
