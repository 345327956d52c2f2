import { Lease, Leases, LogWaker } from './ports';
import { Sequencer } from './sequencer';

/** Runs the sequencer while this process holds its lease; rounds never overlap. */
export class SequencerRunner {
  private lease: Lease | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly sequencer: Sequencer,
    private readonly leases: Leases,
    private readonly waker: LogWaker,
    private readonly leaseTtlMs = 10_000,
  ) {}

  /** Sequences the inbox until it is empty; with `sweep`, also commits whose marker was lost. */
  run(opts: { sweep?: boolean } = {}): Promise<number> {
    this.running ??= this.round(opts.sweep ?? false).finally(() => (this.running = null));
    return this.running;
  }

  private async round(sweep: boolean): Promise<number> {
    if (!(await this.holdLease())) return 0;
    let total = 0;
    for (;;) {
      const batch = sweep ? await this.sequencer.sweep() : await this.sequencer.sequenceInbox();
      total += batch.sequenced;
      if (batch.sequenced === 0) break;
      // Consumers start on each batch, not after a flood ends.
      await this.waker.logAdvanced(batch.head).catch(() => undefined);
      if (!(await this.lease!.renew())) {
        this.lease = null;
        break;
      }
    }
    return total;
  }

  private async holdLease(): Promise<boolean> {
    try {
      if (this.lease && (await this.lease.renew())) return true;
      this.lease = await this.leases.acquire('sequencer', this.leaseTtlMs);
      if (!this.lease) return false;
      // Another holder may have written since we last held it.
      await this.sequencer.recover();
      return true;
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
