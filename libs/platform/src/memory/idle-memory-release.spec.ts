import { Logger } from '@nestjs/common';
import { loadConfig } from '../config/app-config';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { IdleMemoryRelease } from './idle-memory-release';
import { ProcessMemory, thisProcessMemory } from './process-memory';

/**
 * A process whose event loop use is read window by window from `readings`; after each
 * collection the release reads once more and discards it (the collection's own pause).
 */
function fakeMemory(readings: number[], collect: () => Promise<void> = async () => undefined) {
  const calls = { collected: 0 };
  const memory: ProcessMemory = {
    utilization: () => readings.shift() ?? 0,
    collect: async () => {
      calls.collected++;
      await collect();
    },
  };
  return { memory, calls };
}

const releaser = (memory: ProcessMemory, env: Record<string, string> = {}) => new IdleMemoryRelease(loadConfig(env), memory, new MetricsRegistry());
const released = async (r: IdleMemoryRelease) => (await r.releases.get()).values[0]?.value ?? 0;
const checks = async (r: IdleMemoryRelease, n: number) => {
  for (let i = 0; i < n; i++) await r.check();
};

describe('idle memory release', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('collects once when the process goes quiet after a busy window, and counts it', async () => {
    const { memory, calls } = fakeMemory([0.003, 0.6, 0.3, 0.004, /* discarded */ 0.001, 0.004, 0.003]);
    const r = releaser(memory);
    await checks(r, 6);
    expect(calls.collected).toBe(1);
    expect(await released(r)).toBe(1);
  });

  it('never collects in a process that stayed quiet', async () => {
    const { memory, calls } = fakeMemory([0.003, 0.01, 0.004, 0.019]);
    const r = releaser(memory);
    await checks(r, 4);
    expect(calls.collected).toBe(0);
  });

  it("the collection's own pause does not count as work that earns another release", async () => {
    // The window read right after the collection holds its pause (busy 90%); then quiet again.
    const { memory, calls } = fakeMemory([0.5, 0.001, 0.9, 0.001, 0.001]);
    const r = releaser(memory);
    await checks(r, 5);
    expect(calls.collected).toBe(1);
  });

  it('a window that ends while a collection runs waits for it instead of reading or starting another', async () => {
    let finish!: () => void;
    const readings = [0.5, 0.001, /* discarded */ 0.001, 0.5, 0.001];
    const { memory, calls } = fakeMemory(readings, () => new Promise<void>((r) => (finish = r)));
    const r = releaser(memory);
    await r.check();
    const first = r.check();
    let secondDone = false;
    const second = r.check().then(() => (secondDone = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondDone).toBe(false); // it waits for the running collection
    expect(readings).toEqual([0.001, 0.5, 0.001]); // and read no window of its own
    finish();
    await Promise.all([first, second]);
    expect(calls.collected).toBe(1);
    await r.check(); // busy (0.5)
    const third = r.check(); // quiet again: a second release
    finish();
    await third;
    expect(calls.collected).toBe(2);
  });

  it('a collection that fails is logged once, turns the release off and is not counted', async () => {
    jest.useFakeTimers();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { memory, calls } = fakeMemory([0, 0.5, 0.001, 0.001, 0.5, 0.001], async () => {
      throw new Error('gc is not a function');
    });
    const r = releaser(memory);
    r.onApplicationBootstrap();
    expect(jest.getTimerCount()).toBe(1);
    await checks(r, 2);
    expect(calls.collected).toBe(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/memory release off: gc is not a function/);
    expect(jest.getTimerCount()).toBe(0);
    expect(await released(r)).toBe(0);
    await r.onModuleDestroy();
  });

  it('MEMORY_RELEASE_CHECK_MS=0 starts no timer and reads nothing', () => {
    jest.useFakeTimers();
    const { memory } = fakeMemory([]);
    const read = jest.spyOn(memory, 'utilization');
    const r = releaser(memory, { MEMORY_RELEASE_CHECK_MS: '0' });
    r.onApplicationBootstrap();
    expect(read).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('its timer reads a window every MEMORY_RELEASE_CHECK_MS and does not keep the process alive', async () => {
    jest.useFakeTimers();
    const readings = [/* start */ 0, 0.5, 0.001, /* discarded */ 0.001];
    const { memory, calls } = fakeMemory(readings);
    const r = releaser(memory, { MEMORY_RELEASE_CHECK_MS: '2000' });
    const interval = jest.spyOn(global, 'setInterval');
    r.onApplicationBootstrap();
    expect(interval.mock.results[0].value.hasRef()).toBe(false);
    await jest.advanceTimersByTimeAsync(1999);
    expect(readings).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(1); // the busy window
    expect(readings).toHaveLength(2);
    expect(calls.collected).toBe(0);
    await jest.advanceTimersByTimeAsync(2000); // the quiet one after it
    expect(calls.collected).toBe(1);
    expect(readings).toHaveLength(0);
    await r.onModuleDestroy();
  });

  it('shutdown stops the timer, and a window ending after it starts nothing', async () => {
    jest.useFakeTimers();
    const { memory, calls } = fakeMemory([0, 0.5, 0.001]);
    const r = releaser(memory);
    r.onApplicationBootstrap();
    await r.check(); // busy: the next quiet window would collect
    expect(jest.getTimerCount()).toBe(1);
    await r.onModuleDestroy();
    expect(jest.getTimerCount()).toBe(0);
    await r.check();
    expect(calls.collected).toBe(0);
  });

  it('shutdown waits for a collection already running', async () => {
    let finish!: () => void;
    const { memory } = fakeMemory([0.5, 0.001], () => new Promise<void>((r) => (finish = r)));
    const r = releaser(memory);
    await r.check();
    void r.check();
    let stopped = false;
    const stopping = r.onModuleDestroy().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(await released(r)).toBe(1);
  });

  it.each(['-1', '1', '999', '1.5', 'often', '3600001'])('MEMORY_RELEASE_CHECK_MS=%s is refused at start', (value) => {
    expect(() => loadConfig({ MEMORY_RELEASE_CHECK_MS: value })).toThrow(/MEMORY_RELEASE_CHECK_MS/);
  });

  it.each(['0', '1000', '10000'])('MEMORY_RELEASE_CHECK_MS=%s is taken', (value) => {
    expect(loadConfig({ MEMORY_RELEASE_CHECK_MS: value }).MEMORY_RELEASE_CHECK_MS).toBe(Number(value));
  });
});

// The real adapter: its collection sets --expose-gc in this jest worker when the process was
// not started with it, which later test files in the same worker do not mind.
describe("this process's memory", () => {
  it('a full collection gives back the heap that dropped objects held', async () => {
    const memory = thisProcessMemory();
    const { getHeapStatistics } = await import('node:v8');
    // Held long enough to be promoted to the old generation, which only a full collection frees.
    let held: object[] | null = Array.from({ length: 300_000 }, (_, i) => ({ i, text: `reply number ${i}` }));
    await new Promise((r) => setTimeout(r, 10));
    expect(held.length).toBe(300_000);
    held = null;
    const { used_heap_size: used, total_heap_size: committed } = getHeapStatistics();
    await memory.collect();
    expect(getHeapStatistics().used_heap_size).toBeLessThan(used - 10 * 2 ** 20);
    // What the decision is for: the pages go back, not only the objects.
    expect(getHeapStatistics().total_heap_size).toBeLessThan(committed - 10 * 2 ** 20);
  });

  it('utilization is the busy share of the window since the last reading', async () => {
    const memory = thisProcessMemory();
    const spin = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end); // the loop held busy
    };
    memory.utilization();
    spin(50);
    const busy = memory.utilization();
    await new Promise((r) => setTimeout(r, 200));
    const quiet = memory.utilization();
    spin(50);
    const busyAgain = memory.utilization();
    expect(busy).toBeGreaterThan(0.5);
    expect(quiet).toBeLessThan(0.5);
    expect(busyAgain).toBeGreaterThan(0.5);
  });
});
