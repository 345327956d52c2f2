/** The moderators' and admins' API as the console calls it (see the README's Moderators and Admins sections). */

export const QUEUES = ['pending', 'reported', 'appeals', 'spam', 'rejected', 'approved'] as const;
export type Queue = (typeof QUEUES)[number];
export type Counts = Record<Queue, number>;
export type Decision = 'approve' | 'reject' | 'spam' | 'feature' | 'unfeature';
export type BulkAction = 'approve' | 'reject' | 'spam';
export type StandingAction = 'ban' | 'suspend' | 'premod' | 'trust' | 'restore';

export interface Reason {
  code: string;
  detail?: string;
}

export interface QueueItem {
  id: string;
  articleId: string;
  parentId: string | null;
  authorName: string | null;
  commenterId: string | null;
  excerpt: string;
  status: string;
  score: number | null;
  reasons: Reason[];
  enteredAt: string;
}

export interface QueuePage {
  queue: Queue;
  count: number;
  items: QueueItem[];
  nextCursor: string | null;
}

export interface ReplyDetail {
  id: string;
  articleId: string;
  parentId: string | null;
  author: { name: string } | null;
  body: string;
  status: string;
  featured: boolean;
  submittedAt: string;
  editedAt: string | null;
  version: number;
  hiddenByFlags?: boolean;
  flags?: number;
  commenterId?: string | null;
  verdict?: { decision: string; score: number | null; reasons: Reason[]; policyVersion: number | null; modelVersion: number | null } | null;
  decision?: { action: string; reason: string | null; batchId: string | null; at: string } | null;
  appeal?: { status: string; note?: string } | null;
  history?: { version: number; type: string; actor: { kind: string; name?: string; id?: string }; at: string; status?: string; reason?: string | null }[];
}

export interface Commenter {
  commenterId: string;
  erased: boolean;
  standing: string;
  suspendedUntil: string | null;
  history: { standing?: string; action?: string; by?: { kind: string; id?: string; name?: string }; reason?: string | null; at: string; until?: string | null }[];
  decisions: number;
  replies: { total: number; counted: number; counts: Record<string, number>; latest: { replyId: string; articleId: string; status: string; excerpt: string; submittedAt: string }[] };
}

export interface Batch {
  batchId: string;
  action: BulkAction;
  reason: string | null;
  state: 'running' | 'completed' | 'undoing' | 'undone' | string;
  progress: { processed: number; total: number };
  counts: { changed: number; unchanged: number; failed: number } | null;
  changed: string[];
  undo: { undoneAt: string | null; counts: { restored: number; changedSince: number } } | null;
}

export interface LogEntry {
  position: number;
  replyId: string;
  articleId: string;
  by: { kind: string; id?: string; name?: string };
  status: string;
  previousStatus: string | null;
  reason: string | null;
  reasons: Reason[];
  policyVersion: number | null;
  modelVersion: number | null;
  batchId: string | null;
  at: string;
  action: string;
}

export interface QueueChange {
  replyId: string;
  articleId: string;
  change: string;
  status: string;
  previousStatus: string | null;
  action?: string;
  queues: Queue[];
}

export type Policy = Record<string, unknown> & { version: number };

export interface Progress {
  done: number;
  total: number;
  eventsPerSecond: number | null;
  etaSeconds: number | null;
}

export interface Rebuild {
  id: string;
  projections: string[];
  state: string;
  progress: Progress;
  error: string | null;
  requestedAt: string;
}

export interface Verification {
  id: string;
  projections: string[];
  state: string;
  differenceCount: number | null;
  differences: { projection?: string; collection?: string; id?: string; kind?: string }[];
  error: string | null;
  requestedAt: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown = null,
  ) {
    super(message);
  }
}

const enc = encodeURIComponent;
const query = (params: Record<string, string | number | undefined | null>) => {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${enc(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
};

export interface Answer<T> {
  status: number;
  body: T;
  etag: string | null;
}

/** Every call carries the signed-in moderator's token; an answer outside 2xx throws ApiError with the problem's words. */
export class ConsoleApi {
  constructor(private readonly token: string | null) {}

  static devSignIn = (role: string, name: string) => new ConsoleApi(null).call<{ token: string }>('POST', '/dev/sign-in', { role, name });

  counts = () => this.call<Counts>('GET', '/moderation/queues');
  queue = (queue: Queue, opts: { cursor?: string | null; articleId?: string; order?: 'newest' | 'oldest'; limit?: number }) =>
    this.call<QueuePage>('GET', `/moderation/queues/${queue}${query({ limit: opts.limit ?? 20, cursor: opts.cursor, articleId: opts.articleId, order: opts.order })}`);
  reply = (id: string) => this.send<ReplyDetail>('GET', `/replies/${enc(id)}`);
  decide = (id: string, action: Decision, version: number, reason: string) =>
    this.call<unknown>('POST', `/moderation/replies/${enc(id)}/${action}`, reason ? { reason } : {}, { 'If-Match': `"${version}"` });
  bulk = (action: BulkAction, replyIds: string[], reason: string) => this.call<{ batchId: string }>('POST', '/moderation/bulk', reason ? { action, replyIds, reason } : { action, replyIds });
  batch = (id: string) => this.call<Batch>('GET', `/moderation/batches/${enc(id)}`);
  undo = (id: string) => this.call<Batch>('POST', `/moderation/batches/${enc(id)}/undo`);
  commenter = (id: string) => this.call<Commenter>('GET', `/moderation/commenters/${enc(id)}`);
  changeStanding = (id: string, action: StandingAction, body: { reason?: string; durationMinutes?: number; rejectAll?: boolean }) =>
    this.call<{ standing: string; batchId?: string | null }>('POST', `/moderation/commenters/${enc(id)}/${action}`, body);
  log = (filters: { articleId?: string; moderator?: string; cursor?: string | null }) =>
    this.call<{ entries: LogEntry[]; nextCursor: string | null }>('GET', `/moderation/log${query({ limit: 50, articleId: filters.articleId, moderator: filters.moderator, cursor: filters.cursor })}`);
  streamTicket = () => this.call<{ ticket: string }>('POST', '/moderation/stream-tickets');

  policy = () => this.call<Policy>('GET', '/admin/policy');
  changePolicy = (policy: Record<string, unknown>, version: number) => this.call<Policy>('PUT', '/admin/policy', policy, { 'If-Match': `"${version}"` });
  startRebuild = (projection: string) => this.call<Rebuild>('POST', '/admin/rebuilds', { projection });
  rebuild = (id: string) => this.call<Rebuild>('GET', `/admin/rebuilds/${enc(id)}`);
  startVerification = (projection: string) => this.call<Verification>('POST', '/admin/verifications', projection === 'all' ? {} : { projection });
  verification = (id: string) => this.call<Verification>('GET', `/admin/verifications/${enc(id)}`);

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    return (await this.send<T>(method, path, body, headers)).body;
  }

  async send<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extra };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' });
    } catch {
      throw new ApiError(0, 'The console cannot reach the server. Try again in a moment.');
    }
    const text = await res.text();
    const json = text ? safeJson(text) : null;
    if (!res.ok) throw new ApiError(res.status, problemText(json, res.status), json);
    return { status: res.status, body: json as T, etag: res.headers.get('ETag') };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** problem+json's detail and each offending field, for a message a moderator can act on. */
export function problemText(json: unknown, status: number): string {
  const p = (json ?? {}) as { detail?: unknown; title?: unknown; errors?: unknown };
  const fields = Array.isArray(p.errors) ? p.errors.map((e: { field?: string; message?: string }) => (e?.message ? String(e.message) : '')).filter(Boolean) : [];
  const main = typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : `The server answered ${status}.`;
  return [main, ...fields].join(' · ');
}

/** The version an ETag names ("3" → 3). */
export const versionOf = (etag: string | null, fallback: number): number => {
  const m = etag ? /^(?:W\/)?"(\d+)"$/.exec(etag) : null;
  return m ? Number(m[1]) : fallback;
};
