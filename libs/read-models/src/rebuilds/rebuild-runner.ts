import { CheckpointDocument, DEFAULT_CONSUMER_OPTIONS, EventStoreCollections, isTransient, LeaseTiming, Leases, LogConsumer, LogEntry, LogHandler, LogReader, WriteGuard } from '@app/event-store';
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
/** Views a rebuild keeps in memory between batches: it is their only writer, so each is read once. */
const REBUILD_CACHED_DOCUMENTS = 50_000;
/** The store's answer to dropping a collection that is not there. */
const NAMESPACE_NOT_FOUND = 26;
type Step = 'more' | 'idle' | 'wait' | 'flipped' | 'cancelled' | 'superseded';
/** A store or Redis away this long without a break ends the run (its job tries again later). */
const OUTAGE_LIMIT_MS = 120_000;
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
    private readonly batchSize = 2_000,
    /** Tells every process to read the aliases again now (aliasFlipAnnouncer); their poll covers a lost notice. */
    private readonly announceFlip: (alias: string) => void = () => undefined,
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
      if (!(await this.rebuildOne(doc, target, onProgress))) return await this.rebuilds.findOne({ _id: rebuildId });
    }
    doc.state = doc.targets.every((t) => t.state === 'flipped') ? 'done' : doc.targets.some((t) => t.state === 'cancelled') ? 'cancelled' : 'failed';
    doc.finishedAt = new Date();
    await this.report(doc, onProgress);
    return doc;
  }

  /** Rebuilds one projection up to its flip; false if another run of this rebuild has it (this one leaves the record to it). */
  private async rebuildOne(doc: RebuildDocument, target: RebuildTarget, onProgress?: (doc: RebuildDocument) => void): Promise<boolean> {
    const projection = projectionNamed(target.projection);
    if (projection.version !== target.version) {
      // Deployed meanwhile: the new code builds its own version's views from 0.
      await this.discard(doc, target, null, 'failed');
      doc.error = `the ${projection.name} projector is at version ${projection.version} now, not ${target.version}: rebuild it again if need be`;
      return true;
    }
    if (await this.flippedAlready(doc, target)) return true;
    if (!(await this.holdsLock(doc, target))) return false;
    const names = (await currentViewNames(this.db)).withGeneration(projection.name, target.generation);
    await ensureReadModelIndexes(this.db, names);
    const handler = new CountingHandler(new ProjectionRunner(this.db, projection, names, REBUILD_CACHED_DOCUMENTS));
    const consumer = new LogConsumer(this.db, this.reader, this.leases, handler, { ...DEFAULT_CONSUMER_OPTIONS, batchSize: doc.batchSize ?? this.batchSize, timing: this.timing, yieldAfterMs: REPORT_EVERY_MS });
    target.state = 'running';
    target.startedAt ??= new Date();
    const started = performance.now();
    const eventsBefore = target.events;
    const positionBefore = (target.position = await consumer.checkpoint());
    // A run that finds a checkpoint was stopped (a killed worker or CLI): it goes on from there.
    if (positionBefore > 0) target.resumedFrom = positionBefore;
    let troubleSince: number | null = null;
    try {
      for (;;) {
        let step: Step;
        try {
          step = await this.step(doc, projection, target, consumer, handler, { started, eventsBefore, positionBefore }, onProgress);
          troubleSince = null;
        } catch (error) {
          // A store or Redis blip: the consumer has dropped its state and resumes from its checkpoint.
          if (!isTransient(error) || performance.now() - (troubleSince ??= performance.now()) > OUTAGE_LIMIT_MS) throw error;
          step = 'wait';
        }
        if (step === 'cancelled') {
          await this.discard(doc, target, consumer, 'cancelled');
          return true;
        }
        if (step === 'superseded') return false;
        if (step === 'flipped') break;
        if (step === 'wait') await sleep(500);
        if (step === 'idle') await sleep(100);
      }
    } finally {
      await consumer.stop();
    }
    await this.unlock(doc, target);
    await this.report(doc, onProgress);
    return true;
  }

  /** One slice of a run: replay for up to a second, report, then look for a cancellation or the flip. */
  private async step(
    doc: RebuildDocument,
    projection: Projection,
    target: RebuildTarget,
    consumer: LogConsumer,
    handler: CountingHandler,
    run: { started: number; eventsBefore: number; positionBefore: number },
    onProgress?: (doc: RebuildDocument) => void,
  ): Promise<Step> {
    // The head as the slice starts: reaching it is being caught up, even while the log grows under load.
    const headBefore = await this.reader.head();
    await consumer.catchUp();
    // Another holder (a run thought dead, or one waiting out its lease): only the holder reports.
    if (!consumer.lease.held) return (await this.holdsLock(doc, target)) ? 'wait' : 'superseded';
    target.events = run.eventsBefore + handler.events;
    const checkpoint = await this.checkpointOf(target.consumer);
    target.position = checkpoint?.position ?? 0;
    target.head = Math.max(await this.reader.head(), target.position);
    this.progress(doc, target, handler.events, target.position - run.positionBefore, performance.now() - run.started);
    if (await this.cancelled(doc._id)) return 'cancelled';
    if (await this.flippedAlready(doc, target)) return 'flipped';
    // Finished or given up by another run (the lock is freed at the end): this one stops.
    if (!(await this.holdsLock(doc, target))) return 'superseded';
    // A parked article would vanish from readers' view at the flip: held back until an admin retries it or cancels.
    const parked = checkpoint?.parked.length ?? 0;
    target.heldBack = parked > 0 ? `${parked} article(s) parked in this rebuild (see /admin/dead-letters?status=parked): retry them or cancel` : null;
    await this.report(doc, onProgress);
    if (parked > 0) return 'wait';
    if (target.position < headBefore) return 'more';
    return (await this.flipIfCaughtUp(doc, projection, target, consumer)) ? 'flipped' : 'idle';
  }

  /**
   * Flips the alias once the rebuild has reached the head and the live projector's checkpoint
   * (which may trail the head, or be missing while no worker runs), so readers who move over
   * miss nothing the live views had; from then on both read the same log.
   */
  private async flipIfCaughtUp(doc: RebuildDocument, projection: Projection, target: RebuildTarget, consumer: LogConsumer): Promise<boolean> {
    const current = await this.alias(target);
    const previous = current?.generation ?? '';
    const live = await this.checkpointOf(liveViewNames().withGeneration(projection.name, previous).consumerName(projection));
    if (target.position < (live?.position ?? 0)) return false;
    const flippedAt = new Date();
    const { _id, ...fields }: ViewAliasDocument = { _id: aliasId({ name: target.projection, version: target.version }), generation: target.generation, rebuildId: doc._id, previous, flippedAt };
    // Under the rebuild's lease and deadline: a holder that lost it never flips.
    await consumer.lease.call(() => this.db.collection<ViewAliasDocument>(VIEW_ALIASES).findOneAndUpdate({ _id }, { $set: fields }, { upsert: true }));
    this.announceFlip(_id);
    Object.assign(target, { state: 'flipped', flippedAt, previous, heldBack: null });
    return true;
  }

  /** The alias names this target's generation (another run flipped it, or this one before a crash): recorded as flipped. */
  private async flippedAlready(doc: RebuildDocument, target: RebuildTarget): Promise<boolean> {
    const alias = await this.alias(target);
    if (alias?.generation !== target.generation) return false;
    // Again, in case a crash came between the flip and its notice.
    this.announceFlip(alias._id);
    Object.assign(target, { state: 'flipped', flippedAt: alias.flippedAt, previous: alias.previous, heldBack: null });
    await this.unlock(doc, target);
    return true;
  }

  /**
   * Drops what a cancelled or failed target built; the live views never pointed at it. The lock
   * goes first, so a late flip of another run finds it gone; the checkpoint before the
   * collections, so a crash between the two never resumes into emptied views.
   */
  private async discard(doc: RebuildDocument, target: RebuildTarget, consumer: LogConsumer | null, state: 'cancelled' | 'failed'): Promise<void> {
    await consumer?.stop();
    if (await this.flippedAlready(doc, target)) return; // it is the live view now
    await this.unlock(doc, target);
    await this.dropGeneration(target, target.generation);
    target.state = state;
    target.heldBack = null;
  }

  /** Marks a rebuild failed (its job gave up): every unfinished target's collections go. */
  async fail(rebuildId: string, error: string): Promise<void> {
    const doc = await this.rebuilds.findOne({ _id: rebuildId });
    if (!doc || FINISHED_REBUILD.includes(doc.state)) return;
    for (const target of doc.targets) if (target.state === 'queued' || target.state === 'running') await this.discard(doc, target, null, 'failed');
    doc.state = doc.targets.every((t) => t.state === 'flipped') ? 'done' : 'failed';
    doc.error = error.slice(0, 500);
    doc.finishedAt = new Date();
    await this.report(doc);
  }

  /**
   * Drops the views a finished rebuild replaced: at an admin's word, or after the delay if
   * `verify` finds the live ones clean. Never the generation its alias names now.
   */
  async dropPrevious(rebuildId: string, why: 'admin' | 'verified-clean'): Promise<RebuildDocument | null> {
    const doc = await this.rebuilds.findOne({ _id: rebuildId });
    if (!doc || !FINISHED_REBUILD.includes(doc.state)) return doc;
    for (const target of doc.targets) {
      if (target.state !== 'flipped' || target.previous === null || target.previousDropped) continue;
      if ((await this.alias(target))?.generation === target.previous) continue;
      const projection = projectionNamed(target.projection);
      // A later code version replaced this one: nothing reads its views, and its code is gone to verify them with.
      if (why === 'verified-clean' && projection.version === target.version) {
        const report = await verifyViews(this.db, this.reader, [projection], await currentViewNames(this.db));
        if (report.differences.length > 0) {
          target.previousKept = `verify found ${report.differences.length} differences at ${new Date().toISOString()}: kept until an admin drops them`;
          continue;
        }
      }
      await this.dropGeneration(target, target.previous);
      target.previousDropped = { at: new Date(), why };
      target.previousKept = null;
    }
    await this.rebuilds.updateOne({ _id: doc._id }, { $set: { targets: doc.targets, updatedAt: new Date() } });
    return doc;
  }

  /** A generation's checkpoint, dead letters, late-write reports and collections, of the code version the target was built with. */
  private async dropGeneration(target: RebuildTarget, generation: string): Promise<void> {
    const projection = { ...projectionNamed(target.projection), name: target.projection, version: target.version };
    const names = ViewNames.of([projection]).withGeneration(projection.name, generation);
    const consumer = names.consumerName(projection);
    await this.db.collection<CheckpointDocument>(EventStoreCollections.checkpoints).deleteOne({ _id: consumer });
    await this.db.collection(EventStoreCollections.deadLetters).deleteMany({ consumer });
    await this.db.collection(EventStoreCollections.lateWrites).deleteMany({ consumer });
    for (const name of names.of(projection.name)) {
      await this.db
        .collection(name)
        .drop()
        .catch((error: { code?: number }) => {
          if (error.code !== NAMESPACE_NOT_FOUND) throw error;
        });
    }
  }

  private alias(target: Pick<RebuildTarget, 'projection' | 'version'>): Promise<ViewAliasDocument | null> {
    return this.db.collection<ViewAliasDocument>(VIEW_ALIASES).findOne({ _id: aliasId({ name: target.projection, version: target.version }) });
  }

  private checkpointOf(consumer: string): Promise<CheckpointDocument | null> {
    return this.db.collection<CheckpointDocument>(EventStoreCollections.checkpoints).findOne({ _id: consumer });
  }

  private async holdsLock(doc: RebuildDocument, target: RebuildTarget): Promise<boolean> {
    return (await this.db.collection<RebuildLockDocument>(RebuildCollections.locks).findOne({ _id: target.projection }))?.rebuildId === doc._id;
  }

  private async cancelled(rebuildId: string): Promise<boolean> {
    return (await this.db.collection<RebuildCancellationDocument>(RebuildCollections.cancellations).findOne({ _id: rebuildId })) !== null;
  }

  private async unlock(doc: RebuildDocument, target: RebuildTarget): Promise<void> {
    // Read, then delete by `_id` alone: the compatible subset's way, with one writer per lock.
    if (await this.holdsLock(doc, target)) await this.db.collection<RebuildLockDocument>(RebuildCollections.locks).deleteOne({ _id: target.projection });
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
