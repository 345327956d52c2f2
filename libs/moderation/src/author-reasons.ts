/**
 * The statement of reasons as its author may read it. A filled hidden field (the honeypot) is
 * never named: the author, a bot, is told only that a moderator will look.
 */
export function reasonsForAuthor<R extends { code: string; detail: string }>(reasons: readonly R[]): { code: string; detail: string }[] {
  return reasons.map((r) => (r.code === 'honeypot' ? { code: 'review', detail: 'A moderator will look at this reply.' } : { code: r.code, detail: r.detail }));
}

/** What the author of a reply is told: the verdict's reasons, or, for a reply held with none, that a moderator will look. */
export function statementForAuthor(status: string, reasons: readonly { code: string; detail: string }[]): { code: string; detail: string }[] {
  const told = reasonsForAuthor(reasons);
  return status === 'pending' && told.length === 0 ? [{ code: 'review', detail: 'A moderator will look at this reply.' }] : told;
}
