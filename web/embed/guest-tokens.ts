/**
 * A guest's edit tokens, kept in this browser (localStorage of the page's origin) so they can
 * edit and retract their replies later: reply id -> token and article id. Storage may be
 * refused (private modes, sandboxed frames): then they live as long as the page.
 */
const KEY = 'reply-section:edit-tokens';

type Stored = Record<string, { t: string; a: string }>;

let memory: Stored = {};

function read(): Stored {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? { ...memory, ...(JSON.parse(raw) as Stored) } : memory;
  } catch {
    return memory;
  }
}

export function rememberEditToken(replyId: string, articleId: string, token: string): void {
  memory = { ...read(), [replyId]: { t: token, a: articleId } };
  try {
    localStorage.setItem(KEY, JSON.stringify(memory));
  } catch {
    /* kept in memory only */
  }
}

export function editTokenOf(replyId: string): string | undefined {
  return read()[replyId]?.t;
}

/** [reply id, token] for every reply of this article written here, newest stored last. */
export function editTokensFor(articleId: string): [string, string][] {
  return Object.entries(read())
    .filter(([, v]) => v.a === articleId)
    .map(([id, v]) => [id, v.t] as [string, string])
    .slice(-50);
}
