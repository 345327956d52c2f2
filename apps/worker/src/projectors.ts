import { ArticleViewProjection, Projection, ReplyDetailProjection, ThreadProjection } from '@app/read-models';

/** The projections the worker keeps live, each one consumer with its own checkpoint and lease. */
export const liveProjections = (): Projection[] => [new ThreadProjection(), new ArticleViewProjection(), new ReplyDetailProjection()];

export const SEQUENCER_RUNNER = Symbol('SEQUENCER_RUNNER');
export const LOG_CONSUMERS = Symbol('LOG_CONSUMERS');
