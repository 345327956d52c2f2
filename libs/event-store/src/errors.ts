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
  const name = (error as { name?: string })?.name ?? '';
  return (
    /^Mongo(ServerSelection|Network|NotConnected|Topology|PoolClosed)/.test(name) ||
    ['PoolClearedError', 'StoreTimeoutError', 'LeaseLostError', 'InjectedStoreFault', 'LogPositionTakenError'].includes(name)
  );
}
