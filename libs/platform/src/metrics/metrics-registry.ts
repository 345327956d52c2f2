import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every metric name starts with this, so the system's own series are easy to find. */
export const METRIC_PREFIX = 'reply_section_';

/** Resolution of the event loop lag histogram: fine enough for its percentiles at any scrape interval. */
export const EVENT_LOOP_MONITORING_MS = 100;

/**
 * One registry per application, not prom-client's global one: the tests start several systems
 * in one process, and a global registry refuses a metric registered twice.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private processMetrics = false;

  /** CPU, memory, event loop lag, GC: only where metrics are served, so a CLI run starts nothing. */
  collectProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    // The event loop delay monitor wakes the process at this interval; at prom-client's 10 ms it
    // cost about 0.3% of a core in an idle process (measured), a third of the idle budget.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_MS });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
