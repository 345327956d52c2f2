import { Lease, Leases } from './ports';

/** Lengths that fence a lease holder in time; `storeTimeoutMs < marginMs < ttlMs`. */
export interface LeaseTiming {
  ttlMs: number;
  /** No write starts later than this before the local deadline. */
  marginMs: number;
  /** Every store call is given up after this, so one started in time ends before the deadline. */
  storeTimeoutMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { ttlMs: 10_000, marginMs: 3_000, storeTimeoutMs: 2_000 };

export function assertLeaseTiming({ ttlMs, marginMs, storeTimeoutMs }: LeaseTiming): void {
  if (!(storeTimeoutMs < marginMs && marginMs < ttlMs)) {
    throw new Error(`lease timing needs store timeout < margin < lease (got ${storeTimeoutMs} < ${marginMs} < ${ttlMs})`);
  }
}

/** The holder may no longer write: its lease expired locally, or a newer holder's token was seen. */
export class LeaseLostError extends Error {
  constructor(name: string, why: string) {
    super(`lease ${name} lost: ${why}`);
    this.name = 'LeaseLostError';
  }
}

/** A store call that did not answer in time; it may still land, which `verify` would find. */
export class StoreTimeoutError extends Error {
  constructor(ms: number) {
    super(`store call gave no answer in ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/** What a writer checks before each store call. */
export interface WriteGuard {
  /** This holder's fencing token, stamped on what it writes. */
  readonly token: number;
  /**
   * Runs a store call if the lease still allows one to start, bounded by the store timeout.
   * `writes` is the log position of the state the call writes: should it land late (after
   * it was given up, or past the lease), it may have undone a newer write, so it is reported
   * and the view replayed from there.
   */
  call<T>(op: () => Promise<T>, writes?: number): Promise<T>;
  /** Throws LeaseLostError when a document carries a newer holder's token. */
  meet(token: number | undefined): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A lease this process keeps across rounds, fenced in layers (DESIGN.md "Writers under faults"):
 * a local deadline on the monotonic clock, renewed from the moment each renewal was sent; no
 * store call starts past the deadline minus the margin, and none is waited for past the store
 * timeout; a new holder waits out a previous lease that was not released; and a fencing token
 * per acquisition, stamped on every write, stops a holder that meets a newer one. A write given
 * up may still land later (the driver cannot cancel it) and undo a newer one: when it does, the
 * process that sent it reports it (`onLateWrite`), and the consumer replays from there. Only a
 * late write whose sender dies before it answers is left for `verify` to find.
 */
export class HeldLease implements WriteGuard {
  private lease: Lease | null = null;
  private deadline = 0;
  /** `onTaken` has run for the current lease: until then only `onTaken` itself may call the store. */
  private ready = false;
  private starting = false;
  /** One `hold()` at a time: a second caller shares it instead of skipping a wait-out. */
  private holding: Promise<boolean> | null = null;

  constructor(
    private readonly leases: Leases,
    readonly name: string,
    readonly timing: LeaseTiming = DEFAULT_LEASE_TIMING,
    private readonly hooks: {
      /** The highest fencing token the store has seen for this lease. */
      floor?: () => Promise<number>;
      /** Runs each time the lease is newly taken: another holder may have written meanwhile. */
      onTaken?: () => Promise<unknown>;
      /** A write of the state at this log position landed late: it may have rolled back a newer one. */
      onLateWrite?: (position: number) => void;
    } = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    assertLeaseTiming(timing);
  }

  get token(): number {
    return this.lease?.token ?? 0;
  }

  get held(): boolean {
    return this.lease !== null;
  }

  /** True while this process holds the lease and is ready to write; never throws (Redis down means not held). */
  hold(): Promise<boolean> {
    this.holding ??= this.take().finally(() => (this.holding = null));
    return this.holding;
  }

  private async take(): Promise<boolean> {
    try {
      if (!(await this.renew())) {
        const floor = (await this.hooks.floor?.()) ?? 0;
        const sent = this.now();
        const lease = await this.leases.acquire(this.name, this.timing.ttlMs, floor);
        if (!lease) return false;
        this.lease = lease;
        this.deadline = sent + this.timing.ttlMs;
        this.ready = false;
        if (!lease.previousReleased && !(await this.waitOutPrevious())) return false;
      }
      if (!this.ready) {
        this.starting = true;
        try {
          await this.hooks.onTaken?.();
        } finally {
          this.starting = false;
        }
        this.ready = this.lease !== null;
      }
      return this.ready;
    } catch {
      return false;
    }
  }

  /**
   * The previous holder may be paused mid-write with a lease it still believes in (Redis
   * restarted, or it stalled): its writes end by its lease plus the store timeout.
   */
  private async waitOutPrevious(): Promise<boolean> {
    const until = this.now() + this.timing.ttlMs + this.timing.storeTimeoutMs;
    while (this.now() < until) {
      await sleep(Math.min(until - this.now(), this.timing.ttlMs / 4));
      if (!(await this.renew())) return false;
    }
    return true;
  }

  async renew(): Promise<boolean> {
    if (!this.lease) return false;
    const sent = this.now();
    if (await this.lease.renew()) {
      this.deadline = sent + this.timing.ttlMs;
      return true;
    }
    this.drop();
    return false;
  }

  /** Forgets the lease without freeing it: after a newer token was seen, it is not ours anyway. */
  drop(): void {
    this.lease = null;
    this.ready = false;
  }

  /** Calls this process gave up on that have not answered yet: no new call starts until they do. */
  private readonly abandoned = new Set<Promise<unknown>>();

  /**
   * A call given up on may still land; a retry's writes must not go out before it, or it would
   * land over them. Waits for those calls up to the lease length, then gives the lease up.
   */
  private async drainAbandoned(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((r) => (timer = setTimeout(r, this.timing.ttlMs)));
    try {
      await Promise.race([Promise.allSettled([...this.abandoned]), waited]);
    } finally {
      clearTimeout(timer);
    }
    if (this.abandoned.size > 0) {
      this.drop();
      throw new LeaseLostError(this.name, 'a store call it gave up on has still not answered');
    }
  }

  async call<T>(op: () => Promise<T>, writes?: number): Promise<T> {
    if (this.abandoned.size > 0) await this.drainAbandoned();
    if (this.lease && this.now() > this.deadline - this.timing.ttlMs / 2) await this.renew();
    if (!this.lease) throw new LeaseLostError(this.name, 'not held');
    if (!this.ready && !this.starting) throw new LeaseLostError(this.name, 'still waiting out the previous holder');
    if (this.now() > this.deadline - this.timing.marginMs) throw new LeaseLostError(this.name, 'its local deadline is too close to start a write');
    let timer: NodeJS.Timeout | undefined;
    let givenUp = false;
    const token = this.token;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        givenUp = true;
        this.abandoned.add(running);
        void running.then(
          () => this.abandoned.delete(running),
          () => this.abandoned.delete(running),
        );
        reject(new StoreTimeoutError(this.timing.storeTimeoutMs));
      }, this.timing.storeTimeoutMs);
    });
    // Started in a microtask, so an `op` that throws at once rejects like any failed call.
    const running = Promise.resolve().then(op);
    if (writes !== undefined) {
      // Landed after a new acquisition or past the lease: a new holder's write may have gone
      // in before it and been undone. (One merely given up on cannot undo this holder's own
      // later writes: none starts before it answers.)
      void running.then(
        () => {
          if (this.token !== token || this.now() > this.deadline) this.hooks.onLateWrite?.(writes);
        },
        () => undefined,
      );
    }
    try {
      return await Promise.race([running, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  meet(token: number | undefined): void {
    if (token !== undefined && token > this.token) {
      this.drop();
      throw new LeaseLostError(this.name, `a newer holder (token ${token}) wrote here`);
    }
  }

  async release(): Promise<void> {
    await this.lease?.release();
    this.drop();
  }
}

/** For code that runs without a lease (tests, one-off tools): no deadline, no token. */
export const UNFENCED: WriteGuard = {
  token: 0,
  call: (op) => op(),
  meet: () => undefined,
};
