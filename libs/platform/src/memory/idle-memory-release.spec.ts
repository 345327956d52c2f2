import { loadConfig } from '../config/app-config';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { IdleMemoryRelease } from './idle-memory-release';
import { ProcessMemory, thisProcessMemory } from './process-memory';

/** A process whose event loop use is given window by window. */
function fakeMemory(windows: number[], collect: () => Promise<void> = async () => undefined) {
  const calls = { collected: 0 };
  const memory: ProcessMemory = {
    utilization: () => windows.shift() ?? 0,
    collect: async () => {
      calls.collected++;
      await collect();
    },
  };
  return { memory, calls };
}

const releaser = (memory: ProcessMemory, env: Record<string, string> = {}) => new IdleMemoryRelease(loadConfig(env), memory, new MetricsRegistry());
const released = async (r: IdleMemoryRelease) => (await r.releases.get()).values[0]?.value ?? 0;

describe('idle memory release', () => {
  it('collects once when the process goes quiet after a busy window, and counts it', async () => {
    const { memory, calls } = fakeMemory([0.003, 0.6, 0.3, 0.004, 0.004, 0.003]);
    const r = releaser(memory);
    for (let i = 0; i < 6; i++) await r.check();
    expect(calls.collected).toBe(1);
    expect(await released(r)).toBe(1);
  });

  it('never collects in a process that stayed quiet', async () => {
    const { memory, calls } = fakeMemory([0.003, 0.01, 0.004, 0.019]);
    const r = releaser(memory);
    for (let i = 0; i < 4; i++) await r.check();
    expect(calls.collected).toBe(0);
  });

  it('a window that ends while a collection runs waits for it instead of starting another', async () => {
    let finish!: () => void;
    const { memory, calls } = fakeMemory([0.5, 0.001, 0.5, 0.001], () => new Promise<void>((r) => (finish = r)));
    const r = releaser(memory);
    await r.check();
    const first = r.check();
    const second = r.check(); // the collection is still running: this window is not read
    finish();
    await Promise.all([first, second]);
    expect(calls.collected).toBe(1);
    await r.check(); // busy (0.5)
    const third = r.check(); // quiet again: a second release
    finish();
    await third;
    expect(calls.collected).toBe(2);
  });

  it('a collection that fails turns the release off and is not counted', async () => {
    const { memory, calls } = fakeMemory([0.5, 0.001, 0.5, 0.001], async () => {
      throw new Error('gc is not a function');
    });
    const r = releaser(memory);
    r.onApplicationBootstrap();
    for (let i = 0; i < 4; i++) await r.check();
    expect(calls.collected).toBe(1);
    expect(await released(r)).toBe(0);
    r.onApplicationShutdown();
  });

  it('MEMORY_RELEASE_CHECK_MS=0 starts no timer and reads nothing', () => {
    const { memory } = fakeMemory([]);
    const read = jest.spyOn(memory, 'utilization');
    const r = releaser(memory, { MEMORY_RELEASE_CHECK_MS: '0' });
    r.onApplicationBootstrap();
    expect(read).not.toHaveBeenCalled();
  });

  it.each(['-1', '1.5', 'often', '3600001'])('MEMORY_RELEASE_CHECK_MS=%s is refused at start', (value) => {
    expect(() => loadConfig({ MEMORY_RELEASE_CHECK_MS: value })).toThrow(/MEMORY_RELEASE_CHECK_MS/);
  });
});

describe("this process's memory", () => {
  it('a full collection gives back the heap that dropped objects held', async () => {
    const memory = thisProcessMemory();
    const { getHeapStatistics } = await import('node:v8');
    // Held long enough to be promoted to the old generation, which only a full collection frees.
    let held: object[] | null = Array.from({ length: 300_000 }, (_, i) => ({ i, text: `reply number ${i}` }));
    await new Promise((r) => setTimeout(r, 10));
    expect(held.length).toBe(300_000);
    held = null;
    const before = getHeapStatistics().used_heap_size;
    await memory.collect();
    expect(getHeapStatistics().used_heap_size).toBeLessThan(before - 10 * 2 ** 20);
  });

  it('utilization is a share of the window since the last reading', async () => {
    const memory = thisProcessMemory();
    memory.utilization();
    const end = performance.now() + 50;
    while (performance.now() < end); // the loop held busy
    const busy = memory.utilization();
    await new Promise((r) => setTimeout(r, 100));
    const quiet = memory.utilization();
    expect(busy).toBeGreaterThan(0.5);
    expect(quiet).toBeLessThan(busy);
  });
});
