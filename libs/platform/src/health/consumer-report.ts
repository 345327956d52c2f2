import { CheckpointDocument, EventStoreCollections, LogReader } from '@app/event-store';
import type { mongo } from 'mongoose';

export interface ConsumerReport {
  position: number;
  /** Positions between the sequencer's head and this consumer's checkpoint. */
  lag: number;
  parked: { partition: string; position: number; deadLetterId: string }[];
}

export const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);

/**
 * The log's head and every log consumer's checkpoint against it, for /health and /metrics.
 * Two small reads: the checkpoints collection holds a few documents, one per consumer.
 */
export async function consumerReports(db: mongo.Db, log: LogReader): Promise<{ head: number; consumers: Record<string, ConsumerReport> }> {
  const head = await log.head();
  const checkpoints = await db.collection<CheckpointDocument>(EventStoreCollections.checkpoints).find({}).toArray();
  const consumers = Object.fromEntries(
    checkpoints.map((c) => [
      c._id,
      {
        position: c.position,
        lag: Math.max(0, head - c.position),
        parked: (c.parked ?? []).map(({ partition, position, deadLetterId }) => ({ partition, position, deadLetterId })),
      },
    ]),
  );
  return { head, consumers };
}
