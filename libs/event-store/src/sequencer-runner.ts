import { DEFAULT_LEASE_TIMING, HeldLease, LeaseTiming } from './held-lease';
import { Leases, LogWaker } from './ports';
import { Sequencer } from './sequencer';

/** What a runner tells its owner (metrics, warnings); each is optional. */
export interface SequencerEvents {
  /** Commits wait in the inbox for a dependency that cannot be found (never expected). */
  deferred?(count: number): void;
  /** A batch took these many log positions, up to `head`. */
  sequenced?(count: number, head: number): void;
}

/**
 * Runs the sequencer while this process holds its lease; rounds never overlap. The lease
 * only keeps a second sequencer idle: what keeps the log right when one is paused past its
 * lease is that positions are claimed by inserts (see Sequencer).
 */
export class SequencerRunner {
  readonly lease: HeldLease;
  private running: Promise<number> | null = null;
  /** A wake-up came during a round: look at the inbox again before ending it. */
  private again = false;

  constructor(
    private readonly sequencer: Sequencer,
    leases: Leases,
    private readonly waker: LogWaker,
    timing: LeaseTiming = DEFAULT_LEASE_TIMING,
    private readonly events: SequencerEvents = {},
  ) {
    this.lease = new HeldLease(leases, 'sequencer', timing, {
      floor: () => sequencer.fenceFloor(),
      onTaken: () => sequencer.recover(),
    });
    sequencer.fenceWith(this.lease);
  }

  /** Sequences the inbox until it is empty. */
  run(): Promise<number> {
    if (this.running) this.again = true;
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<number> {
    if (!(await this.lease.hold())) return 0;
    let total = 0;
    for (;;) {
      this.again = false;
      const batch = await this.sequencer.sequenceInbox();
      total += batch.sequenced;
      if (batch.deferred > 0) this.events.deferred?.(batch.deferred);
      if (batch.sequenced > 0) this.events.sequenced?.(batch.sequenced, batch.head);
      // Consumers start on each batch, not after a flood ends.
      if (batch.sequenced > 0) await this.waker.logAdvanced(batch.head).catch(() => undefined);
      else if (this.again) continue;
      else break;
      if (!(await this.lease.renew())) break;
    }
    return total;
  }

  async stop(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.lease.release();
  }
}
