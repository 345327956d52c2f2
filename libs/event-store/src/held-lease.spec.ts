import { HeldLease, LeaseLostError, StoreTimeoutError } from './held-lease';
import { Lease, Leases } from './ports';

/** Leases in memory: one holder at a time, tokens counting up, released or expired by hand. */
class MemoryLeases implements Leases {
  holder: string | null = null;
  token = 0;
  releasedToken = 0;
  floors: number[] = [];
  async acquire(name: string, _ttl: number, floor = 0): Promise<Lease | null> {
    this.floors.push(floor);
    if (this.holder) return null;
    const me = `h${Math.random()}`;
    this.holder = me;
    const previous = this.token;
    this.token = Math.max(previous, floor) + 1;
    const token = this.token;
    const released = previous === 0 || this.releasedToken === previous;
    return {
      name,
      token,
      previousReleased: released,
      renew: async () => this.holder === me,
      release: async () => {
        if (this.holder === me) (this.holder = null), (this.releasedToken = token);
      },
    };
  }
  expire() {
    this.holder = null;
  }
}

const timing = { ttlMs: 300, marginMs: 120, storeTimeoutMs: 60 };

describe('HeldLease', () => {
  it('starts no store call past its local deadline minus the margin', async () => {
    let now = 0;
    const leases = new MemoryLeases();
    const lease = new HeldLease(leases, 'p', timing, {}, () => now);
    expect(await lease.hold()).toBe(true);
    now = 170;
    await expect(lease.call(async () => 'ok')).resolves.toBe('ok'); // renews past half the lease
    leases.expire(); // paused past the lease: Redis gave it away
    now = 470 - 119;
    await expect(lease.call(async () => 'late')).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('starts no store call when a slow renewal leaves less than the margin', async () => {
    let now = 0;
    const leases = new MemoryLeases();
    const lease = new HeldLease(leases, 'p', timing, {}, () => now);
    await lease.hold();
    // Redis answers the renewal only 200 ms after it was sent: the lease counts from the send.
    const slow = (lease as unknown as { lease: { renew: () => Promise<boolean> } }).lease;
    const renew = slow.renew;
    slow.renew = async () => ((now += 200), renew());
    now = 160;
    await expect(lease.call(async () => 'late')).rejects.toThrow(/deadline is too close/);
    expect(lease.held).toBe(true);
    now = 161;
    slow.renew = renew;
    await expect(lease.call(async () => 'ok')).resolves.toBe('ok');
  });

  it('while waiting out the previous holder, no store call starts; a second hold() shares the wait', async () => {
    const leases = new MemoryLeases();
    const first = new HeldLease(leases, 'p', timing);
    await first.hold();
    leases.expire(); // first dies without releasing
    const second = new HeldLease(leases, 'p', timing);
    const holding = second.hold();
    await new Promise((r) => setTimeout(r, 20));
    await expect(second.call(async () => 'too early')).rejects.toThrow(/waiting out/);
    expect(second.hold()).toBe(holding);
    expect(await holding).toBe(true);
    await expect(second.call(async () => 'now')).resolves.toBe('now');
  });

  it('gives up on a store call after the store timeout', async () => {
    const lease = new HeldLease(new MemoryLeases(), 'p', timing);
    await lease.hold();
    await expect(lease.call(() => new Promise(() => undefined))).rejects.toBeInstanceOf(StoreTimeoutError);
  });

  it('reports a write that answers after its lease ended or was taken again, with the position it wrote', async () => {
    let now = 0;
    const late: number[] = [];
    const leases = new MemoryLeases();
    const lease = new HeldLease(leases, 'p', timing, { onLateWrite: (position) => late.push(position) }, () => now);
    await lease.hold();
    const answer = () => {
      let land: () => void = () => undefined;
      const landed = new Promise<void>((r) => (land = r));
      return { op: () => landed, land: () => land() };
    };
    const settle = () => new Promise((r) => setImmediate(r));

    // In time: nothing to report; a read (no position) is never reported.
    const timely = answer();
    const first = lease.call(timely.op, 7);
    timely.land();
    await first;
    const read = answer();
    const reading = lease.call(read.op);
    await expect(reading).rejects.toBeInstanceOf(StoreTimeoutError);
    read.land();
    await settle();
    expect(late).toEqual([]);

    // Given up by the store timeout, then it lands while the lease still stands: no other
    // holder can have written yet, and this one starts nothing before it answers.
    const slow = answer();
    await expect(lease.call(slow.op, 11)).rejects.toBeInstanceOf(StoreTimeoutError);
    slow.land();
    await settle();
    expect(late).toEqual([]);

    // Started in time, answered past the local deadline (a paused process): reported.
    const paused = answer();
    const sent = lease.call(paused.op, 12);
    now += timing.ttlMs + 1;
    paused.land();
    await sent;
    await settle();
    expect(late).toEqual([12]);

    // Answered after the lease was lost and taken again: a different holder's time, reported.
    await lease.release();
    const again = new HeldLease(leases, 'p', timing, { onLateWrite: (position) => late.push(position) }, () => now);
    await again.hold();
    const relay = answer();
    const retaken = again.call(relay.op, 13);
    await again.release();
    await again.hold();
    expect(again.token).toBe(3);
    relay.land();
    await retaken;
    await settle();
    expect(late).toEqual([12, 13]);
  });

  it('starts no call while one it gave up on is still out, and gives the lease up if that never answers', async () => {
    const lease = new HeldLease(new MemoryLeases(), 'p', timing);
    await lease.hold();
    let land: () => void = () => undefined;
    await expect(lease.call(() => new Promise<void>((r) => (land = r)), 5)).rejects.toBeInstanceOf(StoreTimeoutError);
    const order: string[] = [];
    const next = lease.call(async () => void order.push('next write'), 6);
    await new Promise((r) => setTimeout(r, timing.storeTimeoutMs));
    order.push('given-up write landed');
    land();
    await next;
    expect(order).toEqual(['given-up write landed', 'next write']);

    await expect(lease.call(() => new Promise(() => undefined), 7)).rejects.toBeInstanceOf(StoreTimeoutError);
    await expect(lease.call(async () => 'never runs', 8)).rejects.toThrow(/gave up on has still not answered/);
    expect(lease.held).toBe(false);
  });

  it('a new holder waits out a lease that was not released, but not one that was', async () => {
    const leases = new MemoryLeases();
    const first = new HeldLease(leases, 'p', timing);
    await first.hold();
    await first.release();
    const second = new HeldLease(leases, 'p', timing);
    let started = performance.now();
    expect(await second.hold()).toBe(true);
    expect(performance.now() - started).toBeLessThan(timing.ttlMs);

    leases.expire(); // second dies without releasing
    const taken: number[] = [];
    const third = new HeldLease(leases, 'p', timing, { onTaken: async () => taken.push(performance.now()) });
    started = performance.now();
    expect(await third.hold()).toBe(true);
    expect(taken[0] - started).toBeGreaterThanOrEqual(timing.ttlMs + timing.storeTimeoutMs - 5);
    expect(third.token).toBe(3);
  });

  it('stops when it meets a newer token, and asks for tokens above the store floor', async () => {
    const leases = new MemoryLeases();
    const lease = new HeldLease(leases, 'p', timing, { floor: async () => 41 });
    await lease.hold();
    expect(leases.floors).toEqual([41]);
    expect(lease.token).toBe(42);
    expect(() => lease.meet(41)).not.toThrow();
    expect(() => lease.meet(43)).toThrow(LeaseLostError);
    expect(lease.held).toBe(false);
  });

  it('refuses timings where a write started in time could outlive the lease', () => {
    expect(() => new HeldLease(new MemoryLeases(), 'p', { ttlMs: 1000, marginMs: 200, storeTimeoutMs: 300 })).toThrow(/store timeout < margin < lease/);
  });
});
