import helmet from 'helmet';

type Middleware = (req: { path: string }, res: unknown, next: (error?: unknown) => void) => void;

/** The API answers JSON only: nothing may load, frame or run from its responses. */
const apiHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
}) as unknown as Middleware;

/** Swagger UI at /docs and the queues dashboard at /admin/queues load its own scripts and styles, sets inline styles and data: images. */
const docsHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
    },
  },
}) as unknown as Middleware;

const DOCS = /^\/(?:docs|admin\/queues)(?:\/|$)/;

/** helmet's headers (nosniff, frame and referrer policies, HSTS...) with a CSP per kind of page. */
export const securityHeaders = (): Middleware => (req, res, next) => (DOCS.test(req.path) ? docsHeaders : apiHeaders)(req, res, next);
