/**
 * The statement of reasons as its author may read it. A filled hidden field (the honeypot) is
 * never named: the author, a bot, is told only that a moderator will look.
 */
export function reasonsForAuthor<R extends { code: string; detail: string }>(reasons: readonly R[]): { code: string; detail: string }[] {
  return reasons.map((r) => (r.code === 'honeypot' ? { code: 'review', detail: 'A moderator will look at this reply.' } : { code: r.code, detail: r.detail }));
}
