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
  ): Promise<AppendResult>;
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
  /** Log entries after `position`, in order, at most `max` of them. */
  readAfter(position: number, max: number): Promise<LogEntry[]>;
  /** The last position sequenced. */
  head(): Promise<number>;
}

/** Wake-ups through the queue; best effort, since sequencer and consumers also poll. */
export interface LogWaker {
  commitRecorded(commitId: string): Promise<void>;
  logAdvanced(position: number): Promise<void>;
}

/** A lease held in Redis so one process at a time writes a partition. */
export interface Leases {
  acquire(name: string, ttlMs: number): Promise<Lease | null>;
}

export interface Lease {
  readonly name: string;
  /** False once the lease is lost; the holder must stop writing. */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}
