import { LOG_READER, LogReader } from '@app/event-store';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { mongo } from 'mongoose';
import { Gauge } from 'prom-client';
import { AppConfig } from '../config/app-config';
import { consumerReports, withTimeout } from '../health/consumer-report';
import { MONGO_DB } from '../mongo/mongo.module';
import { connectRedis } from '../redis/redis.module';
import { METRIC_PREFIX, MetricsRegistry } from './metrics-registry';

/** The BullMQ queues whose depths /metrics shows; each app names its own (platform cannot import them). */
export const METERED_QUEUES = Symbol('METERED_QUEUES');

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
/** A scrape waits this long for Redis and the store, then reports the source down instead of hanging. */
const QUEUE_TIMEOUT_MS = 1_000;
const STORE_TIMEOUT_MS = 2_000;

/**
 * What is read at scrape time rather than counted: the log's head, each consumer's lag behind
 * it and its parked partitions, and the depths of the queues. Shared state, so every API
 * replica reports the same values; Prometheus takes any one (max by consumer, say).
 */
@Injectable()
export class ScrapeGauges implements OnApplicationShutdown {
  private readonly head: Gauge;
  private readonly lag: Gauge<'consumer'>;
  private readonly parked: Gauge<'consumer'>;
  private readonly depth: Gauge<'queue' | 'state'>;
  private readonly sourceUp: Gauge<'source'>;
  private readonly connection: Redis;
  private readonly queues: Queue[];

  constructor(
    { registry }: MetricsRegistry,
    config: AppConfig,
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    @Inject(LOG_READER) private readonly log: LogReader,
    @Inject(METERED_QUEUES) queueNames: string[],
  ) {
    const registers = [registry];
    this.head = new Gauge({ name: `${METRIC_PREFIX}log_head_position`, help: 'The last log position the sequencer recorded; its rate is the sequencer rate across all workers', registers });
    this.lag = new Gauge({ name: `${METRIC_PREFIX}consumer_lag_positions`, help: 'Log positions between the head and a consumer checkpoint', labelNames: ['consumer'], registers });
    this.parked = new Gauge({ name: `${METRIC_PREFIX}consumer_parked_partitions`, help: 'Partitions a consumer parked after failing to apply their events (dead letters)', labelNames: ['consumer'], registers });
    this.depth = new Gauge({ name: `${METRIC_PREFIX}queue_jobs`, help: 'BullMQ jobs by queue and state', labelNames: ['queue', 'state'], registers });
    this.sourceUp = new Gauge({ name: `${METRIC_PREFIX}metrics_source_up`, help: 'Whether the last scrape could read the source (store, queues): 1 or 0', labelNames: ['source'], registers });
    // Fails fast while Redis is down, and never shares a connection a worker blocks on.
    this.connection = connectRedis(config.REDIS_URL);
    this.queues = queueNames.map((name) => {
      const queue = new Queue(name, { connection: this.connection, prefix: config.QUEUE_PREFIX });
      queue.on('error', () => undefined);
      return queue;
    });
  }

  /** Reads both sources side by side; one that fails or is slow leaves its series out this time. */
  async refresh(): Promise<void> {
    await Promise.all([this.refreshStore(), this.refreshQueues()]);
  }

  private async refreshStore(): Promise<void> {
    const read = await withTimeout(consumerReports(this.db, this.log), STORE_TIMEOUT_MS).catch(() => null);
    // Reset, then set, with no await between: a consumer whose checkpoint is gone (a retired
    // generation) leaves the output, and no scrape sees half a refresh.
    this.lag.reset();
    this.parked.reset();
    this.sourceUp.set({ source: 'store' }, read ? 1 : 0);
    if (!read) return;
    this.head.set(read.head);
    for (const [consumer, report] of Object.entries(read.consumers)) {
      this.lag.set({ consumer }, report.lag);
      this.parked.set({ consumer }, report.parked.length);
    }
  }

  private async refreshQueues(): Promise<void> {
    const counts = await withTimeout(Promise.all(this.queues.map((q) => q.getJobCounts(...JOB_STATES))), QUEUE_TIMEOUT_MS).catch(() => null);
    this.depth.reset();
    this.sourceUp.set({ source: 'queues' }, counts ? 1 : 0);
    if (!counts) return;
    this.queues.forEach((queue, i) => {
      for (const state of JOB_STATES) this.depth.set({ queue: queue.name, state }, counts[i][state] ?? 0);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
    this.connection.disconnect();
  }
}
