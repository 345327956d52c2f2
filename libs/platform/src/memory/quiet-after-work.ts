/** A window whose event loop was busy at least this share of the time was work. */
export const BUSY_UTILIZATION = 0.05;
/** A window below this share was quiet: an idle process measures about 0.5% here. */
export const QUIET_UTILIZATION = 0.02;

/**
 * Says when a process has gone quiet after a spell of work, once per spell: V8 keeps the heap
 * a flood grew until its own memory reducer happens to run, which a process that then allocates
 * almost nothing may put off for minutes (decision 0045).
 */
export class QuietAfterWork {
  private worked = false;

  /** `utilization`: the event loop's busy share over the window just ended (0 to 1). */
  observe(utilization: number): boolean {
    if (utilization >= BUSY_UTILIZATION) {
      this.worked = true;
      return false;
    }
    if (utilization < QUIET_UTILIZATION && this.worked) {
      this.worked = false;
      return true;
    }
    return false;
  }
}
