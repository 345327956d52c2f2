import type { Queue } from 'bullmq';

/** Redis would not take the jobs: a log consumer's batch is retried from its checkpoint, never parked (isTransient knows this name). */
export class QueueUnavailableError extends Error {
  constructor(queue: string, cause: unknown) {
    super(`the ${queue} queue is unavailable: ${(cause as Error)?.message ?? cause}`);
    this.name = 'QueueUnavailableError';
  }
}

/** Adds the jobs, or throws QueueUnavailableError: while Redis is down BullMQ would wait for it, so this gives up after `withinMs`. */
export async function addJobsWithin(queue: Pick<Queue, 'addBulk'>, name: string, jobs: Parameters<Queue['addBulk']>[0], withinMs = 5_000): Promise<void> {
  try {
    const added = queue.addBulk(jobs);
    added.catch(() => undefined);
    await Promise.race([added, new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${withinMs} ms`)), withinMs).unref())]);
  } catch (error) {
    throw new QueueUnavailableError(name, error);
  }
}
