import { DomainEvent } from '../shared/domain-event';

/** The reactions a reader can leave on a reply: a small fixed set, so every count stays bounded. */
export const REACTION_TYPES = ['like', 'insightful', 'funny'] as const;
export type ReactionType = (typeof REACTION_TYPES)[number];

/** Counts per type, every type present (0 when none). */
export type ReactionCounts = Record<ReactionType, number>;

export const noReactions = (): ReactionCounts => ({ like: 0, insightful: 0, funny: 0 });

/** A reader reacted to a reply. Their own stream per reply (`reaction-<replyId>-<commenterId>`): one of each type. */
/** `first`: the stream's first reaction (set since versions may be filled as abandoned; absent on older events, where version 1 says it). */
export type ReplyReacted = DomainEvent<'reply.reacted', { replyId: string; articleId: string; commenterId: string; type: ReactionType; at: string; first?: true }>;

/** A reader took a reaction back. */
export type ReplyUnreacted = DomainEvent<'reply.unreacted', { replyId: string; articleId: string; commenterId: string; type: ReactionType; at: string }>;

export type ReactionEvent = ReplyReacted | ReplyUnreacted;

/**
 * Nothing a reader types: a reaction is a type from a fixed set, linked to the random
 * commenter id only. No personal fields to seal (docs/decisions/0024).
 */
export const REACTION_PERSONAL_FIELDS = {} as const;
