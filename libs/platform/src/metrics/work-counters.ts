import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { METRIC_PREFIX, MetricsRegistry } from './metrics-registry';

/**
 * Work the worker does, counted in its own memory where it happens (no store round trip on the
 * hot path). Per process: Prometheus sums the workers, and rate() copes with restarts.
 */
@Injectable()
export class WorkCounters {
  /** Log positions this process's sequencer assigned: its rate is the sequencer rate. */
  readonly sequenced: Counter;
  /** Screening verdicts recorded, by decision (publish, hold, reject, spam). */
  readonly verdicts: Counter<'decision'>;
  /** Screening jobs that found their reply version already decided, replaced or retracted. */
  readonly outdated: Counter;

  constructor({ registry }: MetricsRegistry) {
    this.sequenced = new Counter({ name: `${METRIC_PREFIX}sequencer_positions_total`, help: 'Log positions assigned by this process', registers: [registry] });
    this.verdicts = new Counter({ name: `${METRIC_PREFIX}screening_verdicts_total`, help: 'Screening verdicts recorded by this process, by decision', labelNames: ['decision'], registers: [registry] });
    this.outdated = new Counter({ name: `${METRIC_PREFIX}screening_outdated_total`, help: 'Screening jobs whose reply version no longer waited for a verdict', registers: [registry] });
  }
}
