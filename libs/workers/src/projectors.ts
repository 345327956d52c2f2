export const SEQUENCER_RUNNER = Symbol('SEQUENCER_RUNNER');
export const LOG_CONSUMERS = Symbol('LOG_CONSUMERS');
