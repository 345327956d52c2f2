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
