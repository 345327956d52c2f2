import type { mongo } from 'mongoose';

/** One document's failure inside a batch, carrying the driver's code (11000: duplicate `_id`). */
export class BatchedInsertError extends Error {
  constructor(
    readonly code: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'BatchedInsertError';
  }
}

/**
 * A batch call failed as a whole: each of its inserts may or may not be stored. Never a
 * duplicate-key error, whatever code the call carried, so no append reads it as a conflict.
 */
export class BatchOutcomeUnknownError extends Error {
  constructor(override readonly cause: unknown) {
    super(`a grouped insert failed as a whole, outcome unknown: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'BatchOutcomeUnknownError';
  }
}

interface Waiting<T> {
  doc: T;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit: inserts that arrive while one batch is on its way go together in the next
 * `insertMany`, unordered, so each document keeps its own `_id` check and its own outcome. A
 * lone insert goes at once (no waiting for company); under load, round trips are shared.
 * A failure of the whole call (timeout, connection, or a server that stored some documents
 * before failing) fails every insert of that batch as outcome unknown, never as a conflict.
 */
export class GroupInsert<T extends mongo.Document> {
  private queue: Waiting<T>[] = [];
  private flushing = false;

  constructor(
    private readonly collection: () => mongo.Collection<T>,
    private readonly maxBatch = 64,
  ) {}

  insert(doc: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        const outcomes = await this.send(batch.map((w) => w.doc));
        batch.forEach((w, i) => (outcomes[i] ? w.reject(outcomes[i]) : w.resolve()));
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Per document: null when inserted, else its error. */
  private async send(docs: T[]): Promise<(unknown | null)[]> {
    try {
      if (docs.length === 1) await this.collection().insertOne(docs[0] as mongo.OptionalUnlessRequiredId<T>);
      else await this.collection().insertMany(docs as mongo.OptionalUnlessRequiredId<T>[], { ordered: false });
      return docs.map(() => null);
    } catch (error) {
      if (docs.length === 1) return [error];
      const { writeErrors, writeConcernError } = error as { writeErrors?: { index: number; code?: number; errmsg?: string }[]; writeConcernError?: unknown };
      // Per-document answers only when the server gave them and nothing else is in doubt.
      if (!Array.isArray(writeErrors) || writeErrors.length === 0 || writeConcernError) return docs.map(() => new BatchOutcomeUnknownError(error));
      const out: (unknown | null)[] = docs.map(() => null);
      for (const w of writeErrors) out[w.index] = new BatchedInsertError(w.code, w.errmsg ?? `insert ${w.index} failed`);
      return out;
    }
  }
}
