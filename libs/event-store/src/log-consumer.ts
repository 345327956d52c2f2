import type { mongo } from 'mongoose';
import { LogEntry } from './commit';
import { EventStoreCollections } from './collections';
import { Lease, Leases, LogReader } from './ports';

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
  private lease: Lease | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly db: mongo.Db,
    private readonly reader: LogReader,
    private readonly leases: Leases,
    readonly handler: LogHandler,
    private readonly options: ConsumerOptions = { batchSize: 100, leaseTtlMs: 10_000 },
  ) {}

  private get checkpoints() {
    return this.db.collection<CheckpointDocument>(EventStoreCollections.checkpoints);
  }

  async checkpoint(): Promise<number> {
    return (await this.checkpoints.findOne({ _id: this.handler.name }))?.position ?? 0;
  }

  /** Catch up to the head of the log; concurrent calls share one run. Returns entries handled. */
  catchUp(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<number> {
    if (!(await this.holdLease())) return 0;
    let handled = 0;
    for (;;) {
      const from = await this.checkpoint();
      const entries = await this.reader.readAfter(from, this.options.batchSize);
      if (entries.length === 0) return handled;
      await this.handler.handle(entries);
      if (!(await this.lease!.renew())) {
        this.lease = null;
        return handled;
      }
      await this.saveCheckpoint(entries[entries.length - 1].position);
      handled += entries.length;
    }
  }

  protected async saveCheckpoint(position: number): Promise<void> {
    await this.checkpoints.findOneAndUpdate({ _id: this.handler.name }, { $set: { position } }, { upsert: true });
  }

  private async holdLease(): Promise<boolean> {
    try {
      if (this.lease && (await this.lease.renew())) return true;
      this.lease = await this.leases.acquire(`consumer:${this.handler.name}`, this.options.leaseTtlMs);
      return this.lease !== null;
    } catch {
      this.lease = null;
      return false;
    }
  }

  async stop(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.lease?.release();
    this.lease = null;
  }
}
