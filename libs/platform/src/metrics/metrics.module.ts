import { DynamicModule, Global, Module, OnModuleInit } from '@nestjs/common';
import { HttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { METERED_QUEUES, ScrapeGauges } from './scrape-gauges';
import { StoreCommands } from './store-commands';
import { WorkCounters } from './work-counters';

/** The registry and the counters the work increments, wherever it runs (API, worker, both). */
const metricProviders = [MetricsRegistry, WorkCounters, HttpMetrics, StoreCommands];

@Global()
@Module({ providers: metricProviders, exports: metricProviders })
export class MetricsModule {}

/** GET /metrics on the API, with the gauges read at scrape time. */
@Module({})
export class MetricsEndpointModule implements OnModuleInit {
  constructor(private readonly metrics: MetricsRegistry) {}

  /** `queues`: the BullMQ queue names whose depths to show (the libraries that own them name them). */
  static forQueues(queues: string[]): DynamicModule {
    return { module: MetricsEndpointModule, controllers: [MetricsController], providers: [{ provide: METERED_QUEUES, useValue: queues }, ScrapeGauges] };
  }

  onModuleInit(): void {
    this.metrics.collectProcessMetrics();
  }
}
