import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
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
export class IdleMemoryRelease implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('memory');
  private readonly decider = new QuietAfterWork();
  private timer: NodeJS.Timeout | null = null;
  private releasing: Promise<void> | null = null;
  private stopped = false;
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
    this.timer = setInterval(() => void this.check().catch((error: unknown) => this.fail(error)), every).unref();
  }

  /** One window ended: releases if the process has just gone quiet after work. */
  async check(): Promise<void> {
    if (this.releasing) return this.releasing;
    // A drain at shutdown is work, and the quiet after it is no reason to collect.
    if (this.stopped || !this.decider.observe(this.memory.utilization())) return;
    this.releasing = this.memory
      .collect()
      .then(() => this.releases.inc())
      // Without a gc function (a runtime that refuses the flag) the process just keeps its pages.
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        // The collection's own pause is not work: counted, it would earn the next release.
        this.memory.utilization();
        this.releasing = null;
      });
    return this.releasing;
  }

  private fail(error: unknown): void {
    this.logger.warn(`memory release off: ${error instanceof Error ? error.message : String(error)}`);
    this.stop();
  }

  private stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** At the first of the shutdown hooks: a worker's drain is work, and no collection should follow it. */
  onModuleDestroy(): Promise<void> {
    this.stop();
    return this.releasing ?? Promise.resolve();
  }
}
