import { CheckpointDocument, EventStoreCollections, LogReader } from '@app/event-store';
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { mongo } from 'mongoose';
import { ProjectionRunner } from './projections/projection-runner';
import { Projection, ViewDocument } from './projections/projection';
import { ViewNames } from './view-names';

export interface ViewDifference {
  collection: string;
  id: string;
  field: string;
  live: unknown;
  rebuilt: unknown;
}

export interface VerifyReport {
  /** Per projector: the live checkpoint the rebuild was compared at. */
  checkedAt: Record<string, number>;
  documents: number;
  /** Live documents written after that checkpoint (the projector moved on meanwhile): not compared. */
  movedOn: number;
  differences: ViewDifference[];
}

/** Fields that say who wrote a document, not what it holds. */
const IGNORED = new Set(['fence']);

/**
 * Rebuilds every projection from position 0 into scratch collections, up to the position
 * its live projector has checkpointed, and lists every difference from the live views. On
 * a healthy system the list is empty. Reads whole collections: admin work, not a hot path.
 */
/** How far a rebuild into scratch has come: log positions replayed of the live checkpoint's. */
export type VerifyProgress = (projection: string, done: number, total: number) => void;

export async function verifyViews(db: mongo.Db, reader: LogReader, projections: readonly Projection[], names: ViewNames, onProgress?: VerifyProgress): Promise<VerifyReport> {
  const prefix = `verify_${randomBytes(4).toString('hex')}__`;
  const scratch = names.scratch(prefix);
  const report: VerifyReport = { checkedAt: {}, documents: 0, movedOn: 0, differences: [] };
  try {
    for (const projection of projections) {
      const live = new ProjectionRunner(db, projection, names);
      const checkpoint = await db.collection<CheckpointDocument>(EventStoreCollections.checkpoints).findOne({ _id: live.name });
      const upTo = checkpoint?.position ?? 0;
      report.checkedAt[live.name] = upTo;
      const rebuild = new ProjectionRunner(db, projection, scratch);
      for (let from = 0; from < upTo; ) {
        const entries = (await reader.readAfter(from, 500)).filter((e) => e.position <= upTo);
        if (entries.length === 0) break;
        await rebuild.handle(entries);
        from = entries[entries.length - 1].position;
        onProgress?.(live.name, from, upTo);
      }
      onProgress?.(live.name, upTo, upTo);
      for (const collection of projection.collections) {
        await compare(db, names.collection(collection), scratch.collection(collection), upTo, report, (doc) => projection.isEmpty?.(collection, doc) ?? false);
      }
    }
  } finally {
    for (const name of scratch.all()) await db.collection(name).drop().catch(() => undefined);
  }
  return report;
}

async function compare(db: mongo.Db, liveName: string, scratchName: string, upTo: number, report: VerifyReport, isEmpty: (doc: ViewDocument) => boolean): Promise<void> {
  const load = async (name: string) => new Map((await db.collection<ViewDocument>(name).find({}).toArray()).filter((d) => !isEmpty(d)).map((d) => [d._id, d]));
  const [live, rebuilt] = await Promise.all([load(liveName), load(scratchName)]);
  for (const id of new Set([...live.keys(), ...rebuilt.keys()])) {
    const a = live.get(id);
    const b = rebuilt.get(id);
    if (a && a.position > upTo) {
      report.movedOn += 1;
      continue;
    }
    report.documents += 1;
    if (!a || !b) {
      report.differences.push({ collection: liveName, id, field: '(document)', live: a ? 'present' : 'missing', rebuilt: b ? 'present' : 'missing' });
      continue;
    }
    for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (IGNORED.has(field)) continue;
      const x = (a as unknown as Record<string, unknown>)[field];
      const y = (b as unknown as Record<string, unknown>)[field];
      if (!isDeepStrictEqual(x, y)) report.differences.push({ collection: liveName, id, field, live: x, rebuilt: y });
    }
  }
}
