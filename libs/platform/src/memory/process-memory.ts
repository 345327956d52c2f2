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
      // Before the loop has run, both readings are zero.
      return Number.isFinite(window.utilization) ? window.utilization : 0;
    },
    async collect() {
      // Node has no API for it: global.gc, as the start commands give it (`node --expose-gc`);
      // else the flag is set now and gc taken from a fresh context (code caches made earlier
      // are then refused, decision 0045).
      gc ??= ((globalThis as { gc?: Gc }).gc ?? (setFlagsFromString('--expose-gc'), runInNewContext('gc'))) as Gc;
      await gc({ type: 'major', execution: 'async' });
    },
  };
}
