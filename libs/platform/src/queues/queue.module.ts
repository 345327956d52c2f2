import { LOG_WAKER, LogWaker } from '@app/event-store';
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { connectRedis } from '../redis/redis.module';
import { jobId, JobName, LOG_QUEUE } from './jobs';

export const LOG_QUEUE_TOKEN = Symbol('LOG_QUEUE');
const QUEUE_CONNECTION = Symbol('QUEUE_CONNECTION');

/** A wake-up that cannot reach Redis quickly is dropped: polling catches up. */
const WAKE_TIMEOUT_MS = 300;

export class QueueLogWaker implements LogWaker {
  constructor(private readonly queue: Queue) {}

  commitRecorded(commitId: string): Promise<void> {
    return this.add(JobName.SequenceInbox, jobId('commit', commitId));
  }

  logAdvanced(position: number): Promise<void> {
    return this.add(JobName.CatchUpLog, jobId('position', position));
  }

  private async add(name: JobName, id: string): Promise<void> {
    const added = this.queue.add(name, {}, { jobId: id, removeOnComplete: true, removeOnFail: 1000 });
    added.catch(() => undefined);
    await Promise.race([added, new Promise((resolve) => setTimeout(resolve, WAKE_TIMEOUT_MS).unref())]);
  }
}

const queueProviders = [
  // Fails fast while Redis is down, so a wake-up never holds a request.
  { provide: QUEUE_CONNECTION, inject: [AppConfig], useFactory: (config: AppConfig) => connectRedis(config.REDIS_URL) },
  {
    provide: LOG_QUEUE_TOKEN,
    inject: [AppConfig, QUEUE_CONNECTION],
    useFactory: (config: AppConfig, connection: Redis) => {
      const queue = new Queue(LOG_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
      queue.on('error', () => undefined);
      return queue;
    },
  },
  { provide: LOG_WAKER, inject: [LOG_QUEUE_TOKEN], useFactory: (q: Queue) => new QueueLogWaker(q) },
];

@Global()
@Module({ providers: queueProviders, exports: queueProviders })
export class QueueModule implements OnApplicationShutdown {
  constructor(
    @Inject(LOG_QUEUE_TOKEN) private readonly queue: Queue,
    @Inject(QUEUE_CONNECTION) private readonly connection: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    // A connection handed to BullMQ is not closed by it.
    this.connection.disconnect();
  }
}
