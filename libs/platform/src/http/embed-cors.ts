import cors from 'cors';

type Req = { path: string; method: string; headers: Record<string, string | string[] | undefined> };
type Res = { setHeader(name: string, value: string): void; getHeader(name: string): unknown };
type Middleware = (req: Req, res: Res, next: (error?: unknown) => void) => void;

/** What an embedding site's page calls: the embed script and the readers' API (docs/decisions/0036). */
export const EMBEDDABLE_PATHS = /^\/(?:embed\.js$|articles(?:\/|$)|replies(?:\/|$)|me(?:\/|$))/;

/**
 * CORS for the sites in EMBED_ORIGINS, on the embed script and the readers' API only: an
 * allowed Origin is echoed (never `*`, no cookies), with a cross-origin resource policy for
 * that answer; any other origin gets neither, so its browser refuses the answer, and helmet's
 * `Cross-Origin-Resource-Policy: same-origin` stays. Preflights of allowed origins answer 204.
 */
export function embedCors(origins: readonly string[]): Middleware {
  const allowed = new Set(origins.map((o) => o.toLowerCase()));
  const handler = cors({
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin.toLowerCase()) ? origin : false),
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'If-Match', 'X-Edit-Token', 'X-Edit-Tokens', 'Last-Event-ID', 'X-Request-Id'],
    exposedHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id'],
    credentials: false,
    maxAge: 600,
  }) as unknown as Middleware;
  return (req, res, next) => {
    if (allowed.size === 0 || !EMBEDDABLE_PATHS.test(req.path)) return next();
    // The answer differs by Origin: a cache must not hand one origin's answer to another.
    res.setHeader('Vary', 'Origin');
    const origin = req.headers.origin;
    if (typeof origin === 'string' && allowed.has(origin.toLowerCase())) res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    handler(req, res, next);
  };
}
