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
