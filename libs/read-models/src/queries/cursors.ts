/** A cursor the API did not give out (or gave out for another list): the caller answers 400. */
export class InvalidCursorError extends Error {}

/** Opaque page cursors: JSON in base64url. */
export const encodeCursor = (cursor: object): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

/**
 * The cursor in `raw` if it parses and `accept` returns the fields to keep (a clean copy,
 * checked against the list it is for); otherwise InvalidCursorError with `refusal`.
 */
export function decodeCursor<T>(raw: string, accept: (parsed: Record<string, unknown>) => T | null, refusal: string): T {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    const cursor = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? accept(parsed as Record<string, unknown>) : null;
    if (cursor !== null) return cursor;
  } catch {
    // fall through
  }
  throw new InvalidCursorError(refusal);
}

export const isIndex = (v: unknown, min = 0): v is number => Number.isSafeInteger(v) && (v as number) >= min;
