/** Every job the workers run, by name. Each has exactly one handler, checked at start. */
export enum JobName {
  /** A commit was recorded: sequence the inbox. */
  SequenceInbox = 'sequence-inbox',
  /** The log advanced: projectors and other consumers catch up. */
  CatchUpLog = 'catch-up-log',
}

export const LOG_QUEUE = 'log';

/** BullMQ job ids must never be bare integers or contain ':'. */
export const jobId = (...parts: (string | number)[]): string => parts.join('-').replace(/:/g, '_');
