import { randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';
import { Projection } from '../projections/projection';

export type RebuildTargetState = 'queued' | 'running' | 'flipped' | 'cancelled' | 'failed';

/** One projection's rebuild: a new generation of its views, built from position 0. */
export interface RebuildTarget {
  projection: string;
  version: number;
  /** Suffix of its collections and consumer name: `thread_buckets__v5_<generation>`, `thread@5_<generation>`. */
  generation: string;
  consumer: string;
  state: RebuildTargetState;
  /** Log position its checkpoint reached, of the log's head when last looked at. */
  position: number;
  head: number;
  /** Why it has not flipped although caught up (articles parked in the rebuild). */
  heldBack: string | null;
  /** Where the last run took up the work another had left (its checkpoint), if any. */
  resumedFrom: number | null;
  /** Events applied so far (a retried batch counts again). */
  events: number;
  startedAt: Date | null;
  flippedAt: Date | null;
  /** The generation readers read before the flip ('' for the first build): kept until dropped. */
  previous: string | null;
  previousDropped: { at: Date; why: 'admin' | 'verified-clean' } | null;
  /** Why the automatic drop kept them (verify found differences). */
  previousKept: string | null;
}

export type RebuildState = 'queued' | 'running' | 'done' | 'cancelled' | 'failed';

export interface RebuildProgress {
  /** Log positions replayed, over every target (each replays the log to its head). */
  done: number;
  total: number;
  eventsPerSecond: number | null;
  etaSeconds: number | null;
}

export interface RebuildDocument {
  _id: string;
  projections: string[];
  targets: RebuildTarget[];
  state: RebuildState;
  requestedBy: { kind: string; id: string };
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Refreshed with every progress report: a run that stopped reporting is resumed elsewhere. */
  updatedAt: Date;
  progress: RebuildProgress;
  /** Log entries per batch, if the admin chose (else the workers' REBUILD_BATCH_SIZE). */
  batchSize: number | null;
  error: string | null;
}

/** One running rebuild per projection: `_id` is the projection's name; inserting is taking it. */
export interface RebuildLockDocument {
  _id: string;
  rebuildId: string;
  lockedAt: Date;
}

/** An admin's cancellation: inserted by the API, read by the run between batches. */
export interface RebuildCancellationDocument {
  _id: string;
  requestedBy: { kind: string; id: string };
  requestedAt: Date;
}

export const RebuildCollections = {
  rebuilds: 'rebuilds',
  locks: 'rebuild_locks',
  cancellations: 'rebuild_cancellations',
} as const;

export const FINISHED_REBUILD: readonly RebuildState[] = ['done', 'cancelled', 'failed'];

/** A projection already has a rebuild under way. */
export class RebuildConflictError extends Error {
  constructor(
    readonly projection: string,
    readonly rebuildId: string,
  ) {
    super(`projection ${projection} is already being rebuilt by rebuild ${rebuildId}`);
    this.name = 'RebuildConflictError';
  }
}

/** A lock whose rebuild document never got written (a crash between the two) is freed after this. */
const ORPHAN_LOCK_MS = 60_000;

const generationOf = (id: string) => `r${id.replace(/-/g, '').slice(0, 8)}`;

/**
 * Records a rebuild of these projections: a lock per projection (so two rebuilds never build
 * the same views), then the document the run reports into. Nothing is built yet.
 */
export async function requestRebuild(db: mongo.Db, projections: readonly Projection[], by: { kind: string; id: string }, batchSize: number | null = null, now = new Date()): Promise<RebuildDocument> {
  const id = randomUUID();
  const locks = db.collection<RebuildLockDocument>(RebuildCollections.locks);
  const taken: string[] = [];
  try {
    for (const p of projections) {
      await takeLock(db, p.name, id, now);
      taken.push(p.name);
    }
  } catch (error) {
    for (const name of taken) await locks.deleteOne({ _id: name, rebuildId: id }).catch(() => undefined);
    throw error;
  }
  const generation = generationOf(id);
  const doc: RebuildDocument = {
    _id: id,
    projections: projections.map((p) => p.name),
    targets: projections.map((p) => ({
      projection: p.name,
      version: p.version,
      generation,
      consumer: `${p.name}@${p.version}_${generation}`,
      state: 'queued',
      position: 0,
      head: 0,
      resumedFrom: null,
      heldBack: null,
      events: 0,
      startedAt: null,
      flippedAt: null,
      previous: null,
      previousDropped: null,
      previousKept: null,
    })),
    state: 'queued',
    requestedBy: by,
    requestedAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
    progress: { done: 0, total: 0, eventsPerSecond: null, etaSeconds: null },
    batchSize,
    error: null,
  };
  await db.collection<RebuildDocument>(RebuildCollections.rebuilds).insertOne(doc);
  return doc;
}

async function takeLock(db: mongo.Db, projection: string, rebuildId: string, now: Date): Promise<void> {
  const locks = db.collection<RebuildLockDocument>(RebuildCollections.locks);
  for (let attempt = 0; ; attempt++) {
    try {
      await locks.insertOne({ _id: projection, rebuildId, lockedAt: now });
      return;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000 || attempt > 0) throw conflictOr(error, projection, await locks.findOne({ _id: projection }));
      const holder = await locks.findOne({ _id: projection });
      if (!holder) continue;
      const rebuild = await db.collection<RebuildDocument>(RebuildCollections.rebuilds).findOne({ _id: holder.rebuildId });
      // Left behind by a crash: before its rebuild was recorded, or after it finished.
      const orphan = rebuild ? FINISHED_REBUILD.includes(rebuild.state) : now.getTime() - holder.lockedAt.getTime() > ORPHAN_LOCK_MS;
      if (!orphan) throw new RebuildConflictError(projection, holder.rebuildId);
      await locks.deleteOne({ _id: projection });
    }
  }
}

function conflictOr(error: unknown, projection: string, holder: RebuildLockDocument | null): unknown {
  return (error as { code?: number }).code === 11000 && holder ? new RebuildConflictError(projection, holder.rebuildId) : error;
}
