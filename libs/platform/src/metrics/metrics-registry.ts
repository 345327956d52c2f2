import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every metric name starts with this, so the system's own series are easy to find. */
export const METRIC_PREFIX = 'reply_section_';

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
    collectDefaultMetrics({ register: this.registry });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
