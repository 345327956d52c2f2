import { LOG_READER, LogReader, SequencerRunner } from '@app/event-store';
import { RunningConsumer } from './live-projector';
import { AppConfig, IDLE_POLL_BACKOFF, JobName, LOG_QUEUE } from '@app/platform';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import { writeFile } from 'node:fs/promises';
import Redis from 'ioredis';
import { pollWithBackoff } from './idle-backoff';
import { LOG_CONSUMERS, SEQUENCER_RUNNER } from './projectors';

type JobHandlers = Record<JobName, () => Promise<unknown>>;

/**
 * Runs the log's jobs: woken through BullMQ, and polling on timers so a lost wake-up or a
 * Redis outage only costs delay.
 */
@Injectable()
export class LogWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private worker: Worker | null = null;
  private connection: Redis | null = null;
  private stopPolling: (() => void) | null = null;

  /**
   * Exactly one handler per job name; the type makes a missing one a compile error. A job only
   * starts the work: the runners serialize themselves, and a job slot held while a long round
   * runs would delay the other kind of wake-up.
   */
  readonly handlers: JobHandlers = {
    [JobName.SequenceInbox]: async () => void this.background(this.sequence()),
    [JobName.CatchUpLog]: async () => void this.background(this.catchUp()),
  };

  constructor(
    private readonly config: AppConfig,
    @Inject(SEQUENCER_RUNNER) private readonly sequencer: SequencerRunner,
    @Inject(LOG_CONSUMERS) readonly consumers: RunningConsumer[],
    @Inject(LOG_READER) private readonly reader: LogReader,
  ) {}

  onApplicationBootstrap(): void {
    const missing = Object.values(JobName).filter((name) => typeof this.handlers[name] !== 'function');
    if (missing.length) throw new Error(`no handler for jobs: ${missing.join(', ')}`);

    const connection = (this.connection = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2_000) }));
    connection.on('error', () => undefined);
    this.worker = new Worker(LOG_QUEUE, (job) => this.handlers[job.name as JobName]?.() ?? Promise.reject(new Error(`unknown job ${job.name}`)), {
      connection,
      prefix: this.config.QUEUE_PREFIX,
      concurrency: 2,
    });
    this.worker.on('error', () => undefined);

    this.stopPolling = pollWithBackoff(this.config.POLL_INTERVAL_MS, IDLE_POLL_BACKOFF, async () => {
      // Side by side: a long sequencing round must not starve the projectors. One read of the
      // head spares each idle consumer its own reads (LogConsumer.poll). Unread (the store is
      // away), every consumer runs whole, which renews its lease first.
      const head = this.reader.head().catch(() => Number.POSITIVE_INFINITY);
      const [sequenced, handled] = await Promise.all([this.sequence(), head.then((at) => this.poll(at))]);
      if (this.config.WORKER_HEARTBEAT_FILE) await writeFile(this.config.WORKER_HEARTBEAT_FILE, new Date().toISOString());
      return sequenced + handled;
    }, (error) => this.logger.warn(`poll: ${error.message}`));
  }

  sequence(): Promise<number> {
    return this.sequencer.run();
  }

  private background(work: Promise<unknown>): void {
    work.catch((error) => this.logger.warn(`wake-up: ${(error as Error).message}`));
  }

  async catchUp(): Promise<number> {
    const counts = await Promise.all(this.consumers.map((c) => c.catchUp()));
    return counts.reduce((a, b) => a + b, 0);
  }

  private async poll(head: number): Promise<number> {
    const counts = await Promise.all(this.consumers.map((c) => c.poll(head)));
    return counts.reduce((a, b) => a + b, 0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopPolling?.();
    await this.worker?.close().catch(() => undefined);
    this.connection?.disconnect();
    await this.sequencer.stop();
    await Promise.all(this.consumers.map((c) => c.stop()));
  }
}
