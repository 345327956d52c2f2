import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { METRIC_PREFIX, MetricsRegistry } from '../metrics/metrics-registry';
import { PROCESS_MEMORY, ProcessMemory } from './process-memory';
import { QuietAfterWork } from './quiet-after-work';

/**
 * Gives memory back once a process goes quiet after work (a flood, a rebuild): one full
 * collection per spell, when the event loop was busy in one window and quiet in a later one
 * (decision 0045). Runs in the API and the worker, not in the CLI.
 */
@Injectable()
export class IdleMemoryRelease implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('memory');
  private readonly decider = new QuietAfterWork();
  private timer: NodeJS.Timeout | null = null;
  private releasing: Promise<void> | null = null;
  readonly releases: Counter;

  constructor(
    private readonly config: AppConfig,
    @Inject(PROCESS_MEMORY) private readonly memory: ProcessMemory,
    { registry }: MetricsRegistry,
  ) {
    this.releases = new Counter({ name: `${METRIC_PREFIX}memory_releases_total`, help: 'Full collections run because the process went quiet after work', registers: [registry] });
  }

  onApplicationBootstrap(): void {
    const every = this.config.MEMORY_RELEASE_CHECK_MS;
    if (every === 0) return;
    this.memory.utilization(); // the first window starts now
    this.timer = setInterval(() => void this.check(), every).unref();
  }

  /** One window ended: releases if the process has just gone quiet after work. */
  check(): Promise<void> {
    if (this.releasing) return this.releasing;
    if (!this.decider.observe(this.memory.utilization())) return Promise.resolve();
    this.releasing = this.memory
      .collect()
      .then(() => this.releases.inc())
      .catch((error: unknown) => {
        // Without a gc function (a runtime that refuses the flag) the process just keeps its pages.
        this.logger.warn(`memory release off: ${error instanceof Error ? error.message : String(error)}`);
        this.stop();
      })
      .finally(() => {
        // The collection's own pause is not work: counted, it would earn the next release.
        this.memory.utilization();
        this.releasing = null;
      });
    return this.releasing;
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
