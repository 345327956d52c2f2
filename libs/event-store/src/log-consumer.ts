import type { mongo } from 'mongoose';
import { LogEntry } from './commit';
import { EventStoreCollections } from './collections';
import { HeldLease } from './held-lease';
import { Leases, LogReader } from './ports';

export interface CheckpointDocument {
  _id: string;
  position: number;
}

/** What a consumer does with a batch of log entries; must be idempotent by position. */
export interface LogHandler {
  readonly name: string;
  handle(entries: LogEntry[]): Promise<void>;
}

export interface ConsumerOptions {
  batchSize: number;
  leaseTtlMs: number;
}

/**
 * Runs one handler over the log from its checkpoint, under a lease so exactly one process
 * writes its documents. The checkpoint is saved after the handler's writes: a crash between
 * the two replays that batch, which the handler skips by position.
 */
export class LogConsumer {
  private readonly lease: HeldLease;
  private running: Promise<number> | null = null;
  /** A wake-up came during a run: look again before ending it. */
  private again = false;

  constructor(
    private readonly db: mongo.Db,
    private readonly reader: LogReader,
    leases: Leases,
    readonly handler: LogHandler,
    private readonly options: ConsumerOptions = { batchSize: 100, leaseTtlMs: 10_000 },
  ) {
    this.lease = new HeldLease(leases, `consumer:${handler.name}`, options.leaseTtlMs);
  }

  private get checkpoints() {
    return this.db.collection<CheckpointDocument>(EventStoreCollections.checkpoints);
  }

  async checkpoint(): Promise<number> {
    return (await this.checkpoints.findOne({ _id: this.handler.name }))?.position ?? 0;
  }

  /** Catch up to the head of the log; concurrent calls share one run. Returns entries handled. */
  catchUp(): Promise<number> {
    if (this.running) this.again = true;
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<number> {
    if (!(await this.lease.hold())) return 0;
    let handled = 0;
    // Read once per run: while we hold the lease, only we move it.
    let from = await this.checkpoint();
    for (;;) {
      this.again = false;
      const entries = await this.reader.readAfter(from, this.options.batchSize);
      if (entries.length === 0) {
        if (this.again) continue;
        return handled;
      }
      await this.handler.handle(entries);
      if (!(await this.lease.renew())) return handled;
      from = entries[entries.length - 1].position;
      await this.saveCheckpoint(from);
      handled += entries.length;
    }
  }

  protected async saveCheckpoint(position: number): Promise<void> {
    await this.checkpoints.findOneAndUpdate({ _id: this.handler.name }, { $set: { position } }, { upsert: true });
  }

  async stop(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.lease.release();
  }
}
