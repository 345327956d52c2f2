import { LogConsumer, LogHandler } from '@app/event-store';
import { Projection, ViewNames } from '@app/read-models';

/** What the log worker runs: a consumer, or a projector that follows its alias. */
export interface RunningConsumer {
  readonly handler: LogHandler;
  catchUp(): Promise<number>;
  /** The idle poll: skips the store when nothing is past the head hint (LogConsumer.poll). */
  poll(head: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The live projector of one projection: a consumer for the generation its alias names. When a
 * rebuild flips the alias, the old generation's consumer stops (its lease released) and the
 * rebuilt one carries on from the checkpoint the rebuild left.
 */
export class LiveProjector implements RunningConsumer {
  private consumer: LogConsumer;
  private generation: string;
  private switching: Promise<void> | null = null;

  constructor(
    private readonly projection: Projection,
    /** The process's live names, which follow the aliases. */
    private readonly names: ViewNames,
    private readonly consumerFor: (names: ViewNames) => LogConsumer,
  ) {
    this.generation = names.generationOf(projection.name);
    this.consumer = consumerFor(names.snapshot());
  }

  get handler(): LogHandler {
    return this.consumer.handler;
  }

  async catchUp(): Promise<number> {
    await this.followAlias();
    // A switch that began meanwhile: the next wake-up runs the new generation.
    if (this.switching) return 0;
    return this.consumer.catchUp();
  }

  async poll(head: number): Promise<number> {
    await this.followAlias();
    if (this.switching) return 0;
    return this.consumer.poll(head);
  }

  private followAlias(): Promise<void> {
    if (this.names.generationOf(this.projection.name) === this.generation) return this.switching ?? Promise.resolve();
    this.switching ??= (async () => {
      await this.consumer.stop();
      this.generation = this.names.generationOf(this.projection.name);
      this.consumer = this.consumerFor(this.names.snapshot());
    })().finally(() => (this.switching = null));
    return this.switching;
  }

  async stop(): Promise<void> {
    await this.switching?.catch(() => undefined);
    await this.consumer.stop();
  }
}
