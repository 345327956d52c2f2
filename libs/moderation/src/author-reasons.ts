/**
 * The statement of reasons as its author may read it. A filled hidden field (the honeypot) is
 * never named: the author, a bot, is told only that a moderator will look.
 */
export function reasonsForAuthor<R extends { code: string; detail: string }>(reasons: readonly R[]): { code: string; detail: string }[] {
  return reasons.map((r) => (r.code === 'honeypot' ? { code: 'review', detail: 'A moderator will look at this reply.' } : { code: r.code, detail: r.detail }));
}

/** Why a published reply is not shown: readers' flags, named by no flagger and none of their notes. */
export const HIDDEN_BY_FLAGS_REASON = { code: 'hidden-by-flags', detail: 'Readers reported this reply. It is hidden until a moderator looks at it.' } as const;

/**
 * What the author of a reply is told: the verdict's reasons, or, for a reply held with none,
 * that a moderator will look; for a published reply readers' flags hid, that it is hidden and why.
 */
export function statementForAuthor(status: string, reasons: readonly { code: string; detail: string }[], hiddenByFlags = false): { code: string; detail: string }[] {
  if (hiddenByFlags && status === 'published') return [{ ...HIDDEN_BY_FLAGS_REASON }];
  const told = reasonsForAuthor(reasons);
  return status === 'pending' && told.length === 0 ? [{ code: 'review', detail: 'A moderator will look at this reply.' }] : told;
}
