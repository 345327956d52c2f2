/**
 * Runs `work` after `ms`, then again and again: while it finds nothing to do the pause
 * doubles, up to `maxFactor` times `ms` (an idle worker mostly sleeps; wake-ups bring new
 * work at once), and the first round that does work brings it back to `ms`. A failed round
 * counts as work, so a fault is retried at the normal pace. Returns a stop function.
 */
export function pollWithBackoff(ms: number, maxFactor: number, work: () => Promise<number>, onError: (error: Error) => void): () => void {
  let pause = ms;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = async () => {
    if (stopped) return;
    const done = await work().catch((error: Error) => {
      onError(error);
      return 1;
    });
    pause = done > 0 ? ms : Math.min(pause * 2, ms * maxFactor);
    if (!stopped) timer = setTimeout(tick, pause);
  };
  timer = setTimeout(tick, ms);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
