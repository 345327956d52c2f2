/** An event as the domain emits it: a stable type name, a schema version and a payload. */
export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly schemaVersion: number;
  readonly data: D;
}

/** Who caused a change. Guests and readers are commenters; `system` names the rule behind it. */
export interface Actor {
  readonly kind: 'reader' | 'guest' | 'moderator' | 'admin' | 'system';
  /** Reader/moderator/admin: the JWT `sub`. Guest: a keyed hash of the email. System: the rule. */
  readonly id: string;
  readonly name: string;
}

/**
 * Fills a stream version whose commit never came (its writer announced it, then failed or
 * stalled past the grace): it changes nothing, and the late commit fails as a conflict.
 */
export const APPEND_ABANDONED = 'append.abandoned';
