/** "just now", "5 minutes ago", "3 hours ago", then the date. */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The host page's address with `#reply-<id>`: following it opens the thread at that reply. */
export const permalink = (replyId: string) => `${location.href.split('#')[0]}#reply-${replyId}`;

/** The reply id a `#reply-<id>` fragment names, if any. */
export function linkedReplyId(hash = location.hash): string | null {
  const m = /^#reply-([A-Za-z0-9_-]{1,100})$/.exec(hash);
  return m ? m[1] : null;
}
