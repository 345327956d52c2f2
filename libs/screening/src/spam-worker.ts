import type { AkismetSettings } from '@app/platform';
import { Processor } from '@nestjs/bullmq';
import type { WorkerOptions } from 'bullmq';
import { SPAM_QUEUE } from './screening-jobs';
import { SpamProcessor } from './spam.processor';

/** Spam jobs one worker process runs at once. */
export const SPAM_CONCURRENCY = 4;

export type SpamWorkerOptions = Pick<WorkerOptions, 'concurrency' | 'limiter'>;

/**
 * With Akismet on, BullMQ's limiter starts at most AKISMET_RATE_PER_SECOND spam jobs a second.
 * It counts in Redis for the queue, so all workers together keep to it, and jobs over it wait
 * in the queue rather than fail. Every spam job counts, asking Akismet or not: the limit is
 * per job because the limiter is per queue.
 */
export function spamWorkerOptions(akismet: AkismetSettings | null): SpamWorkerOptions {
  return akismet ? { concurrency: SPAM_CONCURRENCY, limiter: { max: akismet.ratePerSecond, duration: 1_000 } } : { concurrency: SPAM_CONCURRENCY };
}

/**
 * @nestjs/bullmq takes a worker's options only from the @Processor metadata of its class, and
 * the limiter's numbers are configuration: so the class is decorated here, once per module
 * built, with the options of that configuration.
 */
export function spamProcessorWith(options: SpamWorkerOptions): typeof SpamProcessor {
  @Processor(SPAM_QUEUE, options)
  class ConfiguredSpamProcessor extends SpamProcessor {}
  return ConfiguredSpamProcessor;
}
