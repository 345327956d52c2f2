import { performance, EventLoopUtilization } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What the idle memory release reads and does; a port, so its spec drives it without V8. */
export interface ProcessMemory {
  /** The event loop's busy share since the previous call (0 to 1). */
  utilization(): number;
  /** A full collection, after which V8 gives the pages it no longer needs back. */
  collect(): Promise<void>;
}

export const PROCESS_MEMORY = Symbol('PROCESS_MEMORY');

type Gc = (options: { type: 'major'; execution: 'async' }) => Promise<void>;

/** This process, through Node's event loop measure and V8's gc function. */
export function thisProcessMemory(): ProcessMemory {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  let gc: Gc | null = null;
  return {
    utilization() {
      const now = performance.eventLoopUtilization();
      const window = performance.eventLoopUtilization(now, last);
      last = now;
      return window.utilization;
    },
    async collect() {
      // Node has no API for it: the gc function, as `--expose-gc` would give it, taken from
      // a fresh context once the flag is set (global.gc when the process was started so).
      gc ??= ((globalThis as { gc?: Gc }).gc ?? (setFlagsFromString('--expose-gc'), runInNewContext('gc'))) as Gc;
      await gc({ type: 'major', execution: 'async' });
    },
  };
}
