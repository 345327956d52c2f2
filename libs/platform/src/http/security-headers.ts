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

/**
 * The pages (the seed article at /, the moderator console at /moderation): scripts and styles from our own files only, no
 * inline script or style (the embed styles its shadow root through a constructed stylesheet),
 * API calls and the live stream to ourselves.
 */
const pageHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  },
}) as unknown as Middleware;

const DOCS = /^\/(?:docs|admin\/queues)(?:\/|$)/;
const PAGES = /^\/(?:moderation\/?)?$/;

/** helmet's headers (nosniff, frame and referrer policies, HSTS...) with a CSP per kind of page. */
export const securityHeaders = (): Middleware => (req, res, next) => (PAGES.test(req.path) ? pageHeaders : DOCS.test(req.path) ? docsHeaders : apiHeaders)(req, res, next);
