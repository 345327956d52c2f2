import { HeldLease } from './held-lease';
import { Leases, LogWaker } from './ports';
import { Sequencer } from './sequencer';

/** Runs the sequencer while this process holds its lease; rounds never overlap. */
export class SequencerRunner {
  private readonly lease: HeldLease;
  private running: Promise<number> | null = null;
  /** A wake-up came during a round: look at the inbox again before ending it. */
  private again = false;

  constructor(
    private readonly sequencer: Sequencer,
    leases: Leases,
    private readonly waker: LogWaker,
    leaseTtlMs = 10_000,
  ) {
    this.lease = new HeldLease(leases, 'sequencer', leaseTtlMs, () => sequencer.recover());
  }

  /** Sequences the inbox until it is empty; with `sweep`, also commits whose marker was lost. */
  run(opts: { sweep?: boolean } = {}): Promise<number> {
    if (this.running) this.again = true;
    this.running ??= this.round(opts.sweep ?? false).finally(() => (this.running = null));
    return this.running;
  }

  private async round(sweep: boolean): Promise<number> {
    if (!(await this.lease.hold())) return 0;
    let total = 0;
    for (;;) {
      this.again = false;
      const batch = sweep ? await this.sequencer.sweep() : await this.sequencer.sequenceInbox();
      total += batch.sequenced;
      if (batch.sequenced === 0) {
        if (this.again && !sweep) continue;
        break;
      }
      // Consumers start on each batch, not after a flood ends.
      await this.waker.logAdvanced(batch.head).catch(() => undefined);
      if (!(await this.lease.renew())) break;
    }
    return total;
  }

  async stop(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.lease.release();
  }
}
