import { EventAt } from './projection';

/**
 * An event the projection cannot apply to the documents it has (a reply whose root or
 * parent never reached the view, a count for an unknown article). The sequencer puts every
 * commit after what it depends on, so this is a fault: the batch fails and is retried, then
 * parked for its partition, never skipped in silence.
 */
export class UnappliableEventError extends Error {
  constructor(at: EventAt, reason: string) {
    super(`${at.event.type} at position ${at.entry.position} (${at.entry.commitId}): ${reason}`);
    this.name = 'UnappliableEventError';
  }
}
