/** The readers' API as the embed calls it (see the README's Readers section). */

export type ReplyStatus = 'checking' | 'pending' | 'published' | 'rejected' | 'spam' | 'retracted' | 'removed' | 'hidden';
export type Sort = 'newest' | 'oldest' | 'top';
export const REACTIONS = ['like', 'insightful', 'funny'] as const;
export type Reaction = (typeof REACTIONS)[number];
export const FLAG_REASONS = ['spam', 'abuse', 'off-topic', 'other'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

export interface Reply {
  id: string;
  parentId: string | null;
  author: { name: string } | null;
  body: string;
  status: ReplyStatus;
  featured: boolean;
  submittedAt: string;
  editedAt: string | null;
  replyCount?: number;
  reactions?: Record<Reaction, number>;
  replies?: Reply[];
  repliesCursor?: string | null;
}

export interface Page {
  items: Reply[];
  nextCursor: string | null;
}

export interface Article {
  id: string;
  title: string;
  replySettings: { open: boolean; guestsAllowed: boolean; moderation: 'pre' | 'post'; editWindowMinutes: number; maxDepth: number };
  repliesCloseAt: string | null;
  stats: { replies: number };
}

export interface MyReply {
  id: string;
  parentId: string | null;
  status: ReplyStatus;
  body: string;
  submittedAt: string;
  editedAt: string | null;
  reasons: string[];
}

export interface Submitted {
  id: string;
  status: ReplyStatus;
  editToken?: string;
}

export interface Detail extends Reply {
  version: number;
  reasons?: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Who is writing: a signed-in reader's token, or a guest proving a reply with its edit token. */
export interface Credentials {
  token: string | null;
  editToken?: string;
}

/** 128 random bits as hex: an Idempotency-Key the API honours fully (and any browser can make). */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Api {
  constructor(readonly base: string) {}

  article = (id: string) => this.call<Article>('GET', `/articles/${enc(id)}`);
  thread = (id: string, sort: Sort, cursor: string | null) =>
    this.call<Page>('GET', `/articles/${enc(id)}/replies?sort=${sort}&limit=20${cursor ? `&cursor=${enc(cursor)}` : ''}`);
  children = (replyId: string, cursor: string | null) => this.call<Page>('GET', `/replies/${enc(replyId)}/replies?limit=20${cursor ? `&cursor=${enc(cursor)}` : ''}`);
  detail = (replyId: string, who: Credentials) => this.call<Detail>('GET', `/replies/${enc(replyId)}`, { who });
  mine = (articleId: string, token: string | null, editTokens: [string, string][]) =>
    this.call<{ items: MyReply[] }>('GET', `/articles/${enc(articleId)}/replies/mine`, {
      who: { token },
      headers: token ? {} : { 'X-Edit-Tokens': editTokens.map(([id, t]) => `${id}:${t}`).join(', ') },
    });

  submit = (articleId: string, body: Record<string, unknown>, who: Credentials) =>
    this.call<Submitted>('POST', `/articles/${enc(articleId)}/replies`, { who, body, headers: { 'Idempotency-Key': randomKey() } });
  edit = (replyId: string, version: number, body: string, who: Credentials) =>
    this.call<unknown>('PATCH', `/replies/${enc(replyId)}`, { who, body: { body }, headers: { 'If-Match': `"${version}"` } });
  retract = (replyId: string, who: Credentials) => this.call<unknown>('DELETE', `/replies/${enc(replyId)}`, { who });
  flag = (replyId: string, reason: FlagReason, note: string, who: Credentials) =>
    this.call<unknown>('POST', `/replies/${enc(replyId)}/flags`, { who, body: note ? { reason, note } : { reason } });
  /** True when this changed something: 201 recorded, 200 the reader had it already; 204 either way on removal. */
  react = async (replyId: string, type: Reaction, on: boolean, who: Credentials) =>
    (await this.send(on ? 'PUT' : 'DELETE', `/replies/${enc(replyId)}/reactions/${type}`, { who })).status !== 200;

  streamUrl = (articleId: string) => `${this.base}/articles/${enc(articleId)}/replies/stream`;

  private async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    return (await this.send(method, path, opts)).json as T;
  }

  private async send(method: string, path: string, opts: CallOptions = {}): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    if (opts.who?.token) headers.Authorization = `Bearer ${opts.who.token}`;
    if (opts.who?.editToken) headers['X-Edit-Token'] = opts.who.editToken;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), mode: 'cors', credentials: 'omit' });
    } catch {
      throw new ApiError(0, 'The reply section cannot reach its server. Try again in a moment.');
    }
    const text = await res.text();
    const json = text ? safeJson(text) : null;
    if (!res.ok) throw new ApiError(res.status, problemText(json, res.status));
    return { status: res.status, json };
  }
}

const enc = encodeURIComponent;

interface CallOptions {
  who?: Credentials;
  body?: unknown;
  headers?: Record<string, string>;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** problem+json's detail and each offending field, for a message the reader can act on. */
function problemText(json: unknown, status: number): string {
  const p = (json ?? {}) as { detail?: unknown; title?: unknown; errors?: unknown };
  const fields = Array.isArray(p.errors) ? p.errors.map((e: { detail?: string; message?: string }) => e?.detail ?? e?.message).filter(Boolean) : [];
  const main = typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : `The server answered ${status}.`;
  return [main, ...fields].join(' ');
}
