/** Errors the domain throws; controllers map each kind to an HTTP status. */
export abstract class DomainError extends Error {
  abstract readonly kind: 'not-found' | 'forbidden' | 'rule' | 'invalid' | 'conflict';
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
}

/** The actor may not do this to this thing (not the author, wrong role). */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
}

/** A business rule refused the command: replies closed, edit window over, too deep. */
export class RuleViolationError extends DomainError {
  readonly kind = 'rule' as const;
}

/** Input that is well-formed but wrong for this aggregate, e.g. a parent in another article. */
export class InvalidCommandError extends DomainError {
  readonly kind = 'invalid' as const;
}

/** The aggregate changed while the command ran, or already has this state. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}
