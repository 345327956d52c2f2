import { LOG_READER, LogEntry, LogReader } from '@app/event-store';
import { AppConfig, JobName, LOG_QUEUE } from '@app/platform';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { QueueEvents } from 'bullmq';

export type TailListener = (entries: LogEntry[]) => void;

export interface TailMembership {
  /** The listener hears every entry after this position, and none before. */
  after: number;
  leave(): void;
}

/** Entries per store read: a read returns whole chunks, so a batch may be a block larger. */
const READ_BATCH = 100;

/**
 * One reader of the log per API process, shared by every open stream: it reads the entries
 * after the last one it handed out and gives each batch to every listener, so a thousand
 * open streams cost the store what one does.
 *
 * It is woken by the sequencer's own log-advanced wake-up (the `catch-up-log` job the workers
 * take), which every API process can observe through BullMQ's queue events without taking
 * the job; and it polls at POLL_INTERVAL_MS, so a lost wake-up or Redis being down only costs
 * delay. It reads only while someone listens.
 */
@Injectable()
export class LogTailer implements OnApplicationShutdown {
  private readonly logger = new Logger('live');
  private readonly listeners = new Set<TailListener>();
  /** The last position handed out; null while nobody listens. */
  private last: number | null = null;
  private starting: Promise<void> | null = null;
  private reading = false;
  private readAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private events: QueueEvents | null = null;
  private warnedAt = 0;
  private stopped = false;

  constructor(
    @Inject(LOG_READER) private readonly reader: LogReader,
    private readonly config: AppConfig,
  ) {}

  /** Adds a listener; it hears every entry after the answered position, in order. */
  async join(listener: TailListener): Promise<TailMembership> {
    if (this.stopped) throw new Error('the API is shutting down');
    while (this.last === null) {
      this.starting ??= this.start().finally(() => (this.starting = null));
      await this.starting;
    }
    // Synchronous from reading `last` to adding: no batch can be handed out in between.
    this.listeners.add(listener);
    return { after: this.last, leave: () => this.leave(listener) };
  }

  /** Reads as soon as possible (a wake-up, a test). */
  wake(): void {
    if (this.last === null || this.stopped) return;
    void this.read();
  }

  get listening(): number {
    return this.listeners.size;
  }

  private leave(listener: TailListener): void {
    this.listeners.delete(listener);
    if (this.listeners.size === 0) this.idle();
  }

  /** From the log's end: the sequencer's head is a hint that may trail, so read on past it. */
  private async start(): Promise<void> {
    let at = await this.reader.head();
    for (;;) {
      const entries = await this.reader.readAfter(at, 500);
      if (entries.length === 0) break;
      at = entries[entries.length - 1].position;
    }
    this.last = at;
    this.listenForWakeUps();
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.wake(), this.config.POLL_INTERVAL_MS);
    this.timer.unref();
  }

  /** Nobody listens: stop reading; the next listener starts again from the log's end. */
  private idle(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.last = null;
  }

  private listenForWakeUps(): void {
    if (this.events || this.stopped) return;
    const events = (this.events = new QueueEvents(LOG_QUEUE, {
      connection: { url: this.config.REDIS_URL, maxRetriesPerRequest: null, retryStrategy: (n: number) => Math.min(n * 200, 2_000) },
      prefix: this.config.QUEUE_PREFIX,
    }));
    events.on('error', () => undefined); // polling covers for it
    events.on('added', ({ name }) => {
      if (name === JobName.CatchUpLog) this.wake();
    });
  }

  /** One read at a time; a wake-up during a read reads again after it. */
  private async read(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.readAgain = false;
        const from = this.last;
        if (from === null) return;
        const entries = (await this.reader.readAfter(from, READ_BATCH)).filter((e) => e.position > from);
        // Nobody listens any more, or everyone left and someone started afresh meanwhile.
        if (entries.length === 0 || this.last !== from) continue;
        this.last = entries[entries.length - 1].position;
        for (const listener of [...this.listeners]) listener(entries);
        if (entries.length >= READ_BATCH) this.readAgain = true;
      } while (this.readAgain && this.last !== null);
    } catch (error) {
      // The store is down or slow: the next poll tries again. Warn once a minute at most.
      if (Date.now() - this.warnedAt > 60_000) {
        this.warnedAt = Date.now();
        this.logger.warn(`reading the log for live updates: ${(error as Error).message}`);
      }
    } finally {
      this.reading = false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.listeners.clear();
    this.idle();
    await this.events?.close().catch(() => undefined);
  }
}
