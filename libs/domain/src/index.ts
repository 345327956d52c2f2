export * from './shared/domain-event';
export * from './shared/domain-errors';
export * from './shared/aggregate-root';
export * from './shared/text';
export * from './article/article.events';
export * from './article/article';
export * from './reply/reply.events';
export * from './reply/reply';
export * from './commenter/commenter.events';
export * from './commenter/commenter';
export * from './flag/flag.events';
export * from './flag/flag';
export * from './flag/flag-tally';
export * from './flag/flag.upcasters';
export * from './reaction/reaction.events';
export * from './reaction/reaction';
export * from './policy/policy.events';
export * from './policy/site-policy';
export * from './policy/what-if';
export * from './batch/batch.events';
export * from './batch/batch';
export * from './shared/personal-data';

/** Bump when an aggregate's snapshot state changes shape: older snapshots are then ignored. */
export const SNAPSHOT_SCHEMA = 4;

/** Every upcaster of a stored event to its current schema, in one list the store reads with. */
import { REPLY_FLAGGED_V1_TO_V2 } from './flag/flag.upcasters';
export const DOMAIN_UPCASTERS = [REPLY_FLAGGED_V1_TO_V2];
