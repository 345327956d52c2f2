import { Actor, APPEND_ABANDONED, DomainEvent } from '@app/domain';

export interface EventMetadata {
  actor: Actor;
  /** The request or job that started this chain of work. */
  correlationId: string;
  /** The event or command that directly caused this commit; null for a user's request. */
  causationId: string | null;
}

/** One command's events, inserted once as one document; only the sequencer adds `position`. */
export interface CommitDocument {
  _id: string; // `${streamId}:${version}`
  streamId: string;
  /** Stream version of the first event in this commit. */
  version: number;
  /** `_id` of the stream's previous commit, so the sequencer keeps a stream in order. */
  previous: string | null;
  /** Commits of other streams that must come before this one in the log. */
  dependsOn?: string[];
  events: DomainEvent[];
  recordedAt: Date;
  metadata: EventMetadata;
  position?: number;
  sequencedAt?: Date;
}

/**
 * Written just before a commit: announces it to the sequencer, which takes the commit when it
 * comes, or, if it has not come within the grace, fills its stream version with an
 * `append.abandoned` commit (so the late commit fails as a conflict instead of being lost).
 * Markers written by the old order (after their commit) have no `streamId`.
 */
export interface InboxMarker {
  _id: string; // the commit's _id
  recordedAt: Date;
  streamId?: string;
  version?: number;
  /** The commit's `previous`: where an abandoned version goes in its stream. */
  previous?: string | null;
}

/** A commit as it sits in the log: its global position and when it got it. */
export interface LogEntry {
  position: number;
  commitId: string;
  streamId: string;
  version: number;
  events: DomainEvent[];
  recordedAt: Date;
  sequencedAt: Date;
  metadata: EventMetadata;
}

/** One event read back from a stream, upcast to its current schema. */
export interface StoredEvent<E extends DomainEvent = DomainEvent> {
  event: E;
  streamId: string;
  version: number;
  commitId: string;
  recordedAt: Date;
  metadata: EventMetadata;
  /** Its commit's log position, once the sequencer has written it back (the log is the truth). */
  position?: number | null;
}

export interface LoadedStream<E extends DomainEvent = DomainEvent> {
  streamId: string;
  events: StoredEvent<E>[];
  /** Version of the last event, 0 for a stream that does not exist yet. */
  version: number;
  /** `_id` of the last commit, null for a new stream. */
  head: string | null;
}

export const commitId = (streamId: string, version: number): string => `${streamId}:${version}`;

/** The events a stream really holds: without the versions the sequencer filled as abandoned. */
export const realEvents = <E extends DomainEvent>(events: StoredEvent<E>[]): StoredEvent<E>[] => events.filter((e) => e.event.type !== APPEND_ABANDONED);
