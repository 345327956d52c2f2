import { Lease, Leases } from './ports';

/** A lease this process keeps across rounds: taken when free, renewed while held, dropped when lost. */
export class HeldLease {
  private lease: Lease | null = null;

  constructor(
    private readonly leases: Leases,
    private readonly name: string,
    private readonly ttlMs: number,
    /** Runs each time the lease is newly taken: another holder may have written meanwhile. */
    private readonly onTaken: () => Promise<unknown> = async () => undefined,
  ) {}

  /** True while this process holds the lease; never throws (Redis down means not held). */
  async hold(): Promise<boolean> {
    try {
      if (await this.renew()) return true;
      this.lease = await this.leases.acquire(this.name, this.ttlMs);
      if (!this.lease) return false;
      await this.onTaken();
      return true;
    } catch {
      this.lease = null;
      return false;
    }
  }

  async renew(): Promise<boolean> {
    if (this.lease && (await this.lease.renew())) return true;
    this.lease = null;
    return false;
  }

  async release(): Promise<void> {
    await this.lease?.release();
    this.lease = null;
  }
}
