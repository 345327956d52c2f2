import { APPEND_ABANDONED, DomainEvent } from './domain-event';

/**
 * Event-sourced aggregate: state is rebuilt by applying past events; verbs record new ones.
 * `version` counts every event ever applied, so it is the stream version to append after.
 */
export abstract class AggregateRoot<E extends DomainEvent = DomainEvent> {
  private pending: E[] = [];
  private _version = 0;

  get version(): number {
    return this._version;
  }

  /** Version the stream had when this aggregate was loaded: the append's expected version. */
  get loadedVersion(): number {
    return this._version - this.pending.length;
  }

  protected abstract when(event: E): void;

  /** The state as plain data, for a snapshot: a cache, so its shape may change with `SNAPSHOT_SCHEMA`. */
  protected abstract toState(): unknown;
  protected abstract fromState(state: unknown): void;

  snapshot(): { version: number; state: unknown } {
    if (this.pending.length > 0) throw new Error('snapshot only what is stored');
    return { version: this._version, state: this.toState() };
  }

  /** Starts from a snapshot; `rehydrate` then applies the events after it. */
  restore(snapshot: { version: number; state: unknown }): this {
    this.fromState(snapshot.state);
    this._version = snapshot.version;
    return this;
  }

  protected record(event: E): void {
    this.when(event);
    this._version += 1;
    this.pending.push(event);
  }

  rehydrate(history: Iterable<E>): this {
    for (const event of history) {
      // Takes its version and changes nothing.
      if (event.type !== APPEND_ABANDONED) this.when(event);
      this._version += 1;
    }
    return this;
  }

  pullEvents(): E[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }
}
