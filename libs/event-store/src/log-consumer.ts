import type { mongo } from 'mongoose';
import { LogEntry } from './commit';
import { EventStoreCollections } from './collections';
import { isTransient, ViewRolledBackError } from './errors';
import { DEFAULT_LEASE_TIMING, HeldLease, LeaseTiming, WriteGuard } from './held-lease';
import { Leases, LogReader } from './ports';

/** A partition set aside after an entry of it kept failing; its later entries wait behind it. */
export interface ParkedPartition {
  partition: string;
  /** The failing entry: the replay of the partition starts here. */
  position: number;
  deadLetterId: string;
  attempts: number;
}

/** A consumer's state, written only by its lease holder and stamped with its fencing token. */
export interface CheckpointDocument {
  _id: string;
  position: number;
  fence: number;
  parked: ParkedPartition[];
}

export interface DeadLetterDocument {
  _id: string; // `${consumer}.${position}`, e.g. thread@1.42
  consumer: string;
  partition: string;
  position: number;
  commitId: string;
  error: string;
  /** Failed tries so far, counting retries an admin asked for. */
  attempts: number;
  status: 'parked' | 'resolved';
  parkedAt: Date;
  updatedAt: Date;
}

/**
 * A view write that landed after its sender had given up on it or lost its lease, so it may
 * have undone a newer write: the consumer replays from its position. `_id` is
 * `${consumer}.${position}`: one report covers every late write of that state.
 */
export interface LateWriteDocument {
  _id: string;
  consumer: string;
  position: number;
  reportedAt: Date;
}

/** How often a holder looks for reported late writes: they are rare, and a look is a scan. */
const LATE_WRITE_CHECK_MS = 1_000;
/**
 * An idle poll with nothing past the head skips the store for this long since the last full
 * look (late writes, the log past a head hint that may trail): then it runs whole again.
 */
export const QUIET_POLL_MS = 30_000;
/** A report is retried this often while the store is away (a late write often comes with trouble). */
const REPORT_TRIES = 20;

/** An admin's request to retry a dead letter; `_id` is `${deadLetterId}/${attempts}`, so one per attempt. */
export interface DeadLetterRetryDocument {
  _id: string;
  requestedAt: Date;
  requestedBy: string;
}

export const deadLetterId = (consumer: string, position: number) => `${consumer}.${position}`;
export const retryRequestId = (dl: Pick<DeadLetterDocument, '_id' | 'attempts'>) => `${dl._id}/${dl.attempts}`;

/** What a consumer does with a batch of log entries; must be idempotent by position. */
export interface LogHandler {
  /** `name@version`: the key of its lease, checkpoint and dead letters. */
  readonly name: string;
  /**
   * A view can be rebuilt from position 0 into new collections; a side effect (queueing jobs,
   * erasing personal data) is only ever resumed from its checkpoint: replaying it would fire again.
   */
  readonly kind: 'view' | 'side-effect';
  handle(entries: LogEntry[], guard: WriteGuard): Promise<void>;
  /** The partition an entry belongs to (its article): a failing entry parks only its partition. */
  partitionOf(entry: LogEntry): string;
  /** The checkpoint was rewound for a rolled-back document it reported: it may forget that one now. */
  rolledBack?(error: ViewRolledBackError): void;
}

export interface ConsumerOptions {
  batchSize: number;
  timing: LeaseTiming;
  /** Tries of a failing entry before its partition is parked, with a doubling pause between. */
  attempts: number;
  backoffMs: number;
  /** A run hands back after this long even if the log goes on, so its caller can report progress. */
  yieldAfterMs?: number;
  /** How long an idle poll may skip the store after a full look (default QUIET_POLL_MS). */
  quietPollMs?: number;
}

export const DEFAULT_CONSUMER_OPTIONS: ConsumerOptions = { batchSize: 100, timing: DEFAULT_LEASE_TIMING, attempts: 3, backoffMs: 200 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const message = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2_000);

/**
 * Runs one handler over the log from its checkpoint. One holder writes its documents at a
 * time, as far as its lease and fencing token can make sure (see HeldLease); the checkpoint
 * is saved after the handler's writes, so a crash between the two replays that batch, which
 * the handler skips by position. An entry that keeps failing is parked with its partition;
 * a store or lease fault only ends the run, to be retried from the checkpoint.
 */
export class LogConsumer {
  readonly lease: HeldLease;
  private running: Promise<number> | null = null;
  /** An idle poll renewing the lease without a run (`poll`). */
  private quieting: Promise<number> | null = null;
  /** A wake-up came during a run: look again before ending it. */
  private again = false;

  constructor(
    private readonly db: mongo.Db,
    private readonly reader: LogReader,
    leases: Leases,
    readonly handler: LogHandler,
    private readonly options: ConsumerOptions = DEFAULT_CONSUMER_OPTIONS,
  ) {
    this.lease = new HeldLease(leases, `consumer:${handler.name}`, options.timing, {
      floor: async () => (await this.readState()).fence,
      // The new token goes into the checkpoint before any view write: the floor for the next
      // holder, should Redis lose the counter while this one's writes are out there.
      onTaken: async () => {
        this.state = null;
        this.lateWritesCheckedAt = -Infinity;
        const state = await this.load();
        await this.save(state);
        this.state = state;
      },
      onLateWrite: (position) => void this.reportLateWrite(position),
    });
  }

  private lateWritesCheckedAt = -Infinity;

  /**
   * The checkpoint and parked partitions as this holder last wrote them: only it writes them
   * while it holds the lease, so an idle wake-up costs one log lookup. Dropped on any error
   * and whenever the lease is taken again; each batch still checks the stored token.
   */
  private state: CheckpointDocument | null = null;

  private async load(): Promise<CheckpointDocument> {
    const state = await this.lease.call(() => this.readState());
    this.lease.meet(state.fence);
    // The dead letters are the truth about parked partitions: a stale holder's late checkpoint
    // save may have dropped one from the list kept there for /health.
    state.parked = await this.parkedFromDeadLetters();
    return state;
  }

  private get checkpoints() {
    return this.db.collection<CheckpointDocument>(EventStoreCollections.checkpoints);
  }
  private get deadLetters() {
    return this.db.collection<DeadLetterDocument>(EventStoreCollections.deadLetters);
  }
  private get lateWrites() {
    return this.db.collection<LateWriteDocument>(EventStoreCollections.lateWrites);
  }
  private get retries() {
    return this.db.collection<DeadLetterRetryDocument>(EventStoreCollections.deadLetterRetries);
  }

  private async readState(): Promise<CheckpointDocument> {
    const doc = await this.checkpoints.findOne({ _id: this.handler.name });
    return { _id: this.handler.name, position: 0, fence: 0, parked: [], ...doc };
  }

  async checkpoint(): Promise<number> {
    return (await this.readState()).position;
  }

  /** Catch up to the head of the log; concurrent calls share one run. Returns entries handled. */
  catchUp(): Promise<number> {
    // A wake-up during an idle poll's lease renewal runs after it: never lost in it.
    if (this.quieting) return this.quieting.then(() => this.catchUp());
    if (this.running) this.again = true;
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  /**
   * The idle poll's look, given the sequencer's head hint: with nothing past it, no parked
   * partition and a full look within `quietPollMs`, it only renews the lease (Redis) and
   * makes no store call; otherwise it is a catch-up. Wake-ups still catch up at once.
   */
  poll(head: number): Promise<number> {
    if (this.quieting) return this.quieting;
    if (this.running || !this.quietAt(head)) return this.catchUp();
    this.quieting = (async () => {
      if (!(await this.lease.hold())) this.state = null;
      return 0;
    })().finally(() => (this.quieting = null));
    return this.quieting;
  }

  private quietAt(head: number): boolean {
    const state = this.state;
    return state !== null && state.position >= head && state.parked.length === 0 && performance.now() - this.lateWritesCheckedAt < (this.options.quietPollMs ?? QUIET_POLL_MS);
  }

  private async run(): Promise<number> {
    if (!(await this.lease.hold())) {
      this.state = null;
      return 0;
    }
    try {
      return await this.catchUpHeld();
    } catch (error) {
      this.state = null;
      throw error;
    }
  }

  private async catchUpHeld(): Promise<number> {
    const state = (this.state ??= await this.load());
    let handled = 0;
    const started = performance.now();
    await this.retryParked(state);
    for (;;) {
      if (this.options.yieldAfterMs !== undefined && performance.now() - started > this.options.yieldAfterMs) return handled;
      this.again = false;
      await this.replayLateWrites(state);
      const entries = await this.reader.readAfter(state.position, this.options.batchSize);
      if (entries.length === 0) {
        if (this.again) continue;
        return handled;
      }
      try {
        await this.apply(state, entries);
      } catch (error) {
        if (!(error instanceof ViewRolledBackError)) throw error;
        await this.rewind(state, error.position);
        this.handler.rolledBack?.(error);
        continue;
      }
      handled += entries.length;
      if (!(await this.lease.renew())) return handled;
      // A newer holder's token on the checkpoint means this one must stop.
      this.lease.meet((await this.lease.call(() => this.readState())).fence);
    }
  }

  /**
   * Sent by this process whatever lease it holds now (the write was fenced when it started):
   * an insert, so reports from several processes never overwrite one another.
   */
  private async reportLateWrite(position: number): Promise<void> {
    const report: LateWriteDocument = { _id: `${this.handler.name}.${position}`, consumer: this.handler.name, position, reportedAt: new Date() };
    for (let attempt = 0; attempt < REPORT_TRIES; attempt++) {
      try {
        await this.lateWrites.insertOne(report);
        this.lateWritesCheckedAt = -Infinity; // the next poll looks at once, idle or not
        return;
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return; // already reported: replaying from there covers this one
        await sleep(Math.min(250 * 2 ** attempt, 5_000));
      }
    }
  }

  /**
   * Rewinds the checkpoint to the earliest reported late write, so the view documents it may
   * have rolled back are brought forward again (everything else skips by position); the
   * reports go once the rewound checkpoint is saved.
   */
  private async replayLateWrites(state: CheckpointDocument): Promise<void> {
    if (performance.now() - this.lateWritesCheckedAt < LATE_WRITE_CHECK_MS) return;
    const reports = await this.lease.call(() => this.lateWrites.find({ consumer: this.handler.name }).toArray());
    this.lateWritesCheckedAt = performance.now();
    if (reports.length === 0) return;
    await this.rewind(state, Math.min(...reports.map((r) => r.position)));
    for (const report of reports) await this.lease.call(() => this.lateWrites.deleteOne({ _id: report._id }));
  }

  /** Moves the checkpoint back so the entry at `position` is handled again (a no-op if already behind it). */
  private async rewind(state: CheckpointDocument, position: number): Promise<void> {
    const to = position - 1;
    if (to >= state.position) return;
    await this.save({ ...state, position: to });
    state.position = to;
  }

  /** A dead letter is written before the checkpoint that lists it, so it is never behind. */
  private async parkedFromDeadLetters(): Promise<ParkedPartition[]> {
    // Few documents (one per poisoned article and consumer): the scan is cheap.
    const letters = await this.lease.call(() => this.deadLetters.find({ consumer: this.handler.name, status: 'parked' }).sort({ position: 1 }).toArray());
    const parked = new Map<string, ParkedPartition>();
    for (const l of letters) {
      if (!parked.has(l.partition)) parked.set(l.partition, { partition: l.partition, position: l.position, deadLetterId: l._id, attempts: l.attempts });
    }
    return [...parked.values()];
  }

  /** Applies a batch, skipping parked partitions; on a failure that is not transient, entry by entry. */
  private async apply(state: CheckpointDocument, entries: LogEntry[]): Promise<void> {
    const live = this.notParked(state, entries);
    try {
      if (live.length) await this.handler.handle(live, this.lease);
    } catch (error) {
      if (isTransient(error) || error instanceof ViewRolledBackError) throw error;
      for (const entry of live) {
        if (!this.notParked(state, [entry]).length) continue;
        const failure = await this.tryEntry(entry);
        if (failure) await this.park(state, entry, failure);
      }
    }
    await this.save({ ...state, position: entries[entries.length - 1].position });
    state.position = entries[entries.length - 1].position;
  }

  private notParked(state: CheckpointDocument, entries: LogEntry[]): LogEntry[] {
    if (state.parked.length === 0) return entries;
    const parked = new Set(state.parked.map((p) => p.partition));
    return entries.filter((e) => !parked.has(this.handler.partitionOf(e)));
  }

  /** The error if the entry still fails after its tries; transient errors end the run. */
  private async tryEntry(entry: LogEntry): Promise<unknown> {
    let failure: unknown = null;
    for (let attempt = 0; attempt < this.options.attempts; attempt++) {
      if (attempt > 0) await sleep(this.options.backoffMs * 2 ** (attempt - 1));
      try {
        await this.handler.handle([entry], this.lease);
        return null;
      } catch (error) {
        if (isTransient(error) || error instanceof ViewRolledBackError) throw error;
        failure = error;
      }
    }
    return failure;
  }

  private async park(state: CheckpointDocument, entry: LogEntry, error: unknown): Promise<void> {
    const id = deadLetterId(this.handler.name, entry.position);
    const now = new Date();
    const existing = await this.lease.call(() => this.deadLetters.findOne({ _id: id }));
    const letter: DeadLetterDocument = {
      _id: id,
      consumer: this.handler.name,
      partition: this.handler.partitionOf(entry),
      position: entry.position,
      commitId: entry.commitId,
      error: message(error),
      attempts: (existing?.attempts ?? 0) + this.options.attempts,
      status: 'parked',
      parkedAt: existing?.parkedAt ?? now,
      updatedAt: now,
    };
    await this.lease.call(() => this.deadLetters.findOneAndUpdate({ _id: id }, { $set: letter }, { upsert: true }));
    state.parked = [...state.parked, { partition: letter.partition, position: entry.position, deadLetterId: id, attempts: letter.attempts }];
  }

  /** Replays each parked partition an admin asked to retry, from its failing entry to the checkpoint. */
  private async retryParked(state: CheckpointDocument): Promise<void> {
    for (const parked of [...state.parked]) {
      try {
        await this.retryPartition(state, parked);
      } catch (error) {
        if (!(error instanceof ViewRolledBackError)) throw error;
        // The main loop replays from the rolled-back document; the retry waits for the next run.
        await this.rewind(state, error.position);
        this.handler.rolledBack?.(error);
        return;
      }
    }
  }

  private async retryPartition(state: CheckpointDocument, parked: ParkedPartition): Promise<void> {
    const letter = await this.lease.call(() => this.deadLetters.findOne({ _id: parked.deadLetterId }));
    const attemptsBefore = letter?.attempts ?? parked.attempts;
    const request = await this.lease.call(() => this.retries.findOne({ _id: retryRequestId({ _id: parked.deadLetterId, attempts: attemptsBefore }) }));
    if (!request) return;
    let failure: unknown = null;
    let from = parked.position - 1;
    while (from < state.position && !failure) {
      const batch = (await this.reader.readAfter(from, this.options.batchSize)).filter((e) => e.position <= state.position);
      if (batch.length === 0) break;
      for (const entry of batch.filter((e) => this.handler.partitionOf(e) === parked.partition)) {
        failure = await this.tryEntry(entry);
        if (failure) break;
      }
      from = batch[batch.length - 1].position;
    }
    const now = new Date();
    const attempts = attemptsBefore + (failure ? this.options.attempts : 0);
    await this.lease.call(() =>
      this.deadLetters.findOneAndUpdate(
        { _id: parked.deadLetterId },
        { $set: failure ? { attempts, error: message(failure), updatedAt: now } : { status: 'resolved', updatedAt: now } },
      ),
    );
    state.parked = failure
      ? state.parked.map((p) => (p.partition === parked.partition ? { ...p, attempts } : p))
      : state.parked.filter((p) => p.partition !== parked.partition);
    await this.save(state);
  }

  private async save(state: CheckpointDocument): Promise<void> {
    const { _id, ...fields } = state;
    await this.lease.call(() => this.checkpoints.findOneAndUpdate({ _id }, { $set: { ...fields, fence: this.lease.token } }, { upsert: true }));
  }

  async stop(): Promise<void> {
    await this.quieting?.catch(() => undefined);
    await this.running?.catch(() => undefined);
    await this.lease.release();
  }
}
