import { CheckpointDocument, DEFAULT_CONSUMER_OPTIONS, EventStoreCollections, LeaseTiming, Leases, LogConsumer, LogEntry, LogHandler, LogReader, WriteGuard } from '@app/event-store';
import type { mongo } from 'mongoose';
import { liveProjections, liveViewNames } from '../live-projections';
import { Projection } from '../projections/projection';
import { ProjectionRunner } from '../projections/projection-runner';
import { ensureReadModelIndexes } from '../queries/view.reader';
import { verifyViews } from '../verify';
import { ViewNames } from '../view-names';
import { FINISHED_REBUILD, RebuildCancellationDocument, RebuildCollections, RebuildDocument, RebuildLockDocument, RebuildTarget } from './rebuild-documents';
import { aliasId, VIEW_ALIASES, ViewAliasDocument, ViewAliases } from './view-aliases';

/** How often a run reports its progress and looks for a cancellation. */
const REPORT_EVERY_MS = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts the events a rebuild applies, for its rate. */
class CountingHandler implements LogHandler {
  readonly kind = 'view';
  events = 0;

  constructor(readonly inner: ProjectionRunner) {}

  get name(): string {
    return this.inner.name;
  }

  async handle(entries: LogEntry[], guard: WriteGuard): Promise<void> {
    await this.inner.handle(entries, guard);
    for (const e of entries) this.events += e.events.length;
  }

  partitionOf(entry: LogEntry): string {
    return this.inner.partitionOf(entry);
  }
}

/** The names readers use right now, straight from the alias documents. */
export async function currentViewNames(db: mongo.Db): Promise<ViewNames> {
  const names = liveViewNames();
  await new ViewAliases(db, liveProjections(), names).refresh();
  return names;
}

/**
 * Runs a rebuild: for each projection in turn, a consumer of its own (lease, checkpoint and
 * collections of a new generation) replays the log from position 0; at the head, once it has
 * reached the live projector's checkpoint, it flips the alias and stops, and the workers' live
 * projector carries on from its checkpoint. Killed, it resumes from that checkpoint; cancelled
 * or failed, it drops what it built and the live views stay as they were. Only views are
 * rebuilt: side-effect consumers are no Projection, so nothing here can fire them.
 */
export class RebuildRunner {
  constructor(
    private readonly db: mongo.Db,
    private readonly reader: LogReader,
    private readonly leases: Leases,
    private readonly timing: LeaseTiming,
    private readonly batchSize = 500,
  ) {}

  private get rebuilds() {
    return this.db.collection<RebuildDocument>(RebuildCollections.rebuilds);
  }

  async run(rebuildId: string, onProgress?: (doc: RebuildDocument) => void): Promise<RebuildDocument | null> {
    const doc = await this.rebuilds.findOne({ _id: rebuildId });
    if (!doc || FINISHED_REBUILD.includes(doc.state)) return doc;
    doc.state = 'running';
    doc.startedAt ??= new Date();
    await this.report(doc, onProgress);
    for (const target of doc.targets) {
      if (target.state === 'flipped' || target.state === 'cancelled' || target.state === 'failed') continue;
      await this.rebuildOne(doc, target, onProgress);
    }
    doc.state = doc.targets.some((t) => t.state === 'cancelled') ? 'cancelled' : 'done';
    doc.finishedAt = new Date();
    await this.report(doc, onProgress);
    return doc;
  }

  private async rebuildOne(doc: RebuildDocument, target: RebuildTarget, onProgress?: (doc: RebuildDocument) => void): Promise<void> {
    const projection = projectionNamed(target.projection);
    const alias = await this.alias(projection);
    if (alias?.generation === target.generation) {
      // Flipped before a crash: only the record was missing.
      Object.assign(target, { state: 'flipped', flippedAt: alias.flippedAt, previous: alias.previous });
      await this.unlock(doc, target);
      return;
    }
    const names = (await currentViewNames(this.db)).withGeneration(projection.name, target.generation);
    await ensureReadModelIndexes(this.db, names);
    const handler = new CountingHandler(new ProjectionRunner(this.db, projection, names));
    const consumer = new LogConsumer(this.db, this.reader, this.leases, handler, { ...DEFAULT_CONSUMER_OPTIONS, batchSize: doc.batchSize ?? this.batchSize, timing: this.timing, yieldAfterMs: REPORT_EVERY_MS });
    target.state = 'running';
    target.startedAt ??= new Date();
    const started = performance.now();
    const eventsBefore = target.events;
    const positionBefore = (target.position = await consumer.checkpoint());
    // A run that finds a checkpoint was stopped (a killed worker or CLI): it goes on from there.
    if (positionBefore > 0) target.resumedFrom = positionBefore;
    try {
      for (;;) {
        const handled = await consumer.catchUp();
        target.events = eventsBefore + handler.events;
        target.position = await consumer.checkpoint();
        target.head = Math.max(await this.reader.head(), target.position);
        this.progress(doc, target, handler.events, target.position - positionBefore, performance.now() - started);
        await this.report(doc, onProgress);
        if (await this.cancelled(doc._id)) return await this.discard(doc, target, consumer, 'cancelled');
        // Another holder (a run that was thought dead, still waiting out its lease): try again.
        if (!consumer.lease.held) {
          await sleep(500);
          continue;
        }
        if (handled > 0) continue;
        if (await this.flipIfCaughtUp(doc, projection, target, consumer)) break;
        await sleep(100);
      }
    } finally {
      await consumer.stop();
    }
    await this.unlock(doc, target);
    await this.report(doc, onProgress);
  }

  /**
   * Flips the alias once the rebuild has reached the live projector's checkpoint, so readers
   * who move over lose nothing they saw; from then on both read the same log.
   */
  private async flipIfCaughtUp(doc: RebuildDocument, projection: Projection, target: RebuildTarget, consumer: LogConsumer): Promise<boolean> {
    const current = await this.alias(projection);
    const previous = current?.generation ?? '';
    const liveName = liveViewNames().withGeneration(projection.name, previous).consumerName(projection);
    const live = await this.db.collection<CheckpointDocument>(EventStoreCollections.checkpoints).findOne({ _id: liveName });
    if (target.position < (live?.position ?? 0)) return false;
    const flippedAt = new Date();
    const alias: ViewAliasDocument = { _id: aliasId(projection), generation: target.generation, rebuildId: doc._id, previous, flippedAt };
    // Under the rebuild's lease: a holder that lost it never flips.
    const { _id, ...fields } = alias;
    await consumer.lease.call(() => this.db.collection<ViewAliasDocument>(VIEW_ALIASES).findOneAndUpdate({ _id }, { $set: fields }, { upsert: true }));
    Object.assign(target, { state: 'flipped', flippedAt, previous });
    return true;
  }

  /** Drops what a cancelled or failed target built; the live views never pointed at it. */
  private async discard(doc: RebuildDocument, target: RebuildTarget, consumer: LogConsumer | null, state: 'cancelled' | 'failed'): Promise<void> {
    await consumer?.stop();
    const projection = projectionNamed(target.projection);
    const alias = await this.alias(projection);
    if (alias?.generation === target.generation) return; // flipped after all: it is the live view now
    await this.dropGeneration(projection, target.generation);
    target.state = state;
    await this.unlock(doc, target);
  }

  /** Marks a rebuild failed (its job gave up): every unfinished target's collections go. */
  async fail(rebuildId: string, error: string): Promise<void> {
    const doc = await this.rebuilds.findOne({ _id: rebuildId });
    if (!doc || FINISHED_REBUILD.includes(doc.state)) return;
    for (const target of doc.targets) if (target.state === 'queued' || target.state === 'running') await this.discard(doc, target, null, 'failed');
    doc.state = 'failed';
    doc.error = error.slice(0, 500);
    doc.finishedAt = new Date();
    await this.report(doc);
  }

  /**
   * Drops the views a rebuild replaced: at an admin's word, or after the delay if `verify` finds
   * the live ones clean. Never the generation readers read now.
   */
  async dropPrevious(rebuildId: string, why: 'admin' | 'verified-clean'): Promise<RebuildDocument | null> {
    const doc = await this.rebuilds.findOne({ _id: rebuildId });
    if (!doc) return null;
    for (const target of doc.targets) {
      if (target.state !== 'flipped' || target.previous === null || target.previousDropped) continue;
      const projection = projectionNamed(target.projection);
      if ((await this.alias(projection))?.generation === target.previous) continue;
      if (why === 'verified-clean') {
        const report = await verifyViews(this.db, this.reader, [projection], await currentViewNames(this.db));
        if (report.differences.length > 0) {
          target.previousKept = `verify found ${report.differences.length} differences at ${new Date().toISOString()}: kept until an admin drops them`;
          continue;
        }
      }
      await this.dropGeneration(projection, target.previous);
      target.previousDropped = { at: new Date(), why };
      target.previousKept = null;
    }
    await this.rebuilds.updateOne({ _id: doc._id }, { $set: { targets: doc.targets, updatedAt: new Date() } });
    return doc;
  }

  private async dropGeneration(projection: Projection, generation: string): Promise<void> {
    const names = ViewNames.of([projection]).withGeneration(projection.name, generation);
    for (const name of names.of(projection.name)) await this.db.collection(name).drop().catch(() => undefined);
    await this.db.collection<CheckpointDocument>(EventStoreCollections.checkpoints).deleteOne({ _id: names.consumerName(projection) });
  }

  private alias(projection: Projection): Promise<ViewAliasDocument | null> {
    return this.db.collection<ViewAliasDocument>(VIEW_ALIASES).findOne({ _id: aliasId(projection) });
  }

  private async cancelled(rebuildId: string): Promise<boolean> {
    return (await this.db.collection<RebuildCancellationDocument>(RebuildCollections.cancellations).findOne({ _id: rebuildId })) !== null;
  }

  private async unlock(doc: RebuildDocument, target: RebuildTarget): Promise<void> {
    await this.db.collection<RebuildLockDocument>(RebuildCollections.locks).deleteOne({ _id: target.projection, rebuildId: doc._id });
  }

  private progress(doc: RebuildDocument, target: RebuildTarget, eventsThisRun: number, positionsThisRun: number, ms: number): void {
    const head = target.head;
    for (const t of doc.targets) if (t.state === 'queued') t.head = head;
    const done = doc.targets.reduce((sum, t) => sum + (t.state === 'flipped' ? t.head : t.position), 0);
    const total = doc.targets.reduce((sum, t) => sum + (t.state === 'cancelled' || t.state === 'failed' ? t.position : t.head), 0);
    const rate = ms > 0 ? (eventsThisRun * 1000) / ms : null;
    const positionsPerMs = ms > 0 ? positionsThisRun / ms : 0;
    doc.progress = {
      done,
      total,
      eventsPerSecond: rate === null ? null : Math.round(rate),
      etaSeconds: positionsPerMs > 0 ? Math.round((total - done) / positionsPerMs / 1000) : null,
    };
  }

  private async report(doc: RebuildDocument, onProgress?: (doc: RebuildDocument) => void): Promise<void> {
    doc.updatedAt = new Date();
    const { _id, ...fields } = doc;
    await this.rebuilds.updateOne({ _id }, { $set: fields });
    onProgress?.(doc);
  }
}

function projectionNamed(name: string): Projection {
  const projection = liveProjections().find((p) => p.name === name);
  if (!projection) throw new Error(`no projection named ${name}`);
  return projection;
}
