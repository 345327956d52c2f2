import { DomainEvent } from '@app/domain';
import { EventMetadata, LoadedStream, LogEntry } from './commit';

export const EVENT_STORE = Symbol('EVENT_STORE');
export const LOG_READER = Symbol('LOG_READER');
export const LOG_WAKER = Symbol('LOG_WAKER');
export const LEASES = Symbol('LEASES');

export interface AppendResult {
  commitId: string;
  /** Stream version after the append. */
  version: number;
}

export interface EventStore {
  /** The stream's events, or only those after `from` (a snapshot's version and commit). */
  load<E extends DomainEvent>(streamId: string, from?: StreamPosition): Promise<LoadedStream<E>>;
  /** Appends after `expected`; throws StreamConflictError if the stream moved on. */
  append(
    expected: Pick<LoadedStream, 'streamId' | 'version' | 'head'>,
    events: DomainEvent[],
    metadata: EventMetadata,
    options?: AppendOptions,
  ): Promise<AppendResult>;
}

export interface AppendOptions {
  /** Commits of other streams this one needs before it in the log (the article's publication, the parent reply). */
  dependsOn?: string[];
}

export type StreamPosition = Pick<LoadedStream, 'version' | 'head'>;

export const SNAPSHOTS = Symbol('SNAPSHOTS');

/** An aggregate's state at a version: a disposable cache that saves reading a long stream. */
export interface Snapshot {
  _id: string; // the stream id
  version: number;
  head: string | null;
  schema: number;
  state: unknown;
}

export interface SnapshotStore {
  get(streamId: string): Promise<Snapshot | null>;
  put(snapshot: Snapshot): Promise<void>;
}

export interface LogReader {
  /**
   * Log entries after `position`, in order: whole chunks until at least `max` entries (so a
   * batch may hold up to a block more), or fewer at the end of the log.
   */
  readAfter(position: number, max: number): Promise<LogEntry[]>;
  /** The last position the sequencer recorded as its head: a hint that may trail the log. */
  head(): Promise<number>;
}

/** Wake-ups through the queue; best effort, since sequencer and consumers also poll. */
export interface LogWaker {
  commitRecorded(commitId: string): Promise<void>;
  logAdvanced(position: number): Promise<void>;
}

/** A lease held in Redis so one process at a time writes a partition. */
export interface Leases {
  /**
   * Takes the lease if it is free. `floor` is the highest fencing token found in the store:
   * tokens stay above it even when Redis lost its counter (a restart without persistence).
   */
  acquire(name: string, ttlMs: number, floor?: number): Promise<Lease | null>;
}

export interface Lease {
  readonly name: string;
  /** Fencing token of this acquisition: higher than every earlier holder's. */
  readonly token: number;
  /** The previous holder released the lease itself, so none of its writes can still be in flight. */
  readonly previousReleased: boolean;
  /** False once the lease is lost; the holder must stop writing. */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}
