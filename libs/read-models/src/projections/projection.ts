import { DomainEvent } from '@app/domain';
import { LogEntry } from '@app/event-store';

/** Every view document records the last event applied to it: at or below it changes nothing. */
export interface ViewDocument {
  _id: string;
  position: number;
  /** Index of that event inside its commit. */
  eventIndex: number;
  /** Fencing token of the projector that wrote it: a holder that meets a newer one stops. */
  fence?: number;
}

export interface EventAt {
  entry: LogEntry;
  event: DomainEvent;
  index: number;
}

/** What a projection sees of its documents: loaded by `_id`, changed in memory, written later. */
export interface ProjectionStore {
  get<T extends ViewDocument>(collection: string, id: string): Promise<T | null>;
  /**
   * Applies `change` unless the document already reflects this event; returns the document
   * as it now stands. `change` gets the document without its position fields' meaning.
   */
  update<T extends ViewDocument>(
    collection: string,
    id: string,
    at: EventAt,
    change: (doc: T | null) => Omit<T, 'position' | 'eventIndex'> | null,
  ): Promise<T | null>;
}

export interface Projection {
  readonly name: string;
  /** Bumped when what it writes changes: a new version writes new collections from position 0. */
  readonly version: number;
  /** Collections in the order they are written: a document others' decisions depend on goes last. */
  readonly collections: readonly string[];
  apply(at: EventAt, store: ProjectionStore): Promise<void>;
  /**
   * The partition an entry belongs to, where a failing entry parks only its own; by default its
   * article. A projection with a document every article feeds has one partition for all.
   */
  partitionOf?(entry: LogEntry): string;
  /**
   * A document that holds nothing (counts back at zero), which `verify` takes as missing: the
   * store has no delete, and a rebuild that never counted a since-erased text never writes it.
   */
  isEmpty?(collection: string, doc: ViewDocument): boolean;
}

export const isApplied = (doc: ViewDocument | null, at: EventAt): boolean =>
  doc !== null &&
  (doc.position > at.entry.position || (doc.position === at.entry.position && doc.eventIndex >= at.index));
