import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's id is kept only when it is a short plain token: it goes into every log line and back out in a header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The request's id: an incoming X-Request-Id when sane (a proxy's or the caller's, so one id
 * follows the request across services), else a fresh UUID. Echoed on the answer.
 */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const existing = (req as IncomingMessage & { id?: unknown }).id;
  if (typeof existing === 'string') return existing;
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
  (req as IncomingMessage & { id?: string }).id = id;
  if (!res.headersSent) res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * Express middleware, installed first: an answer given before the logger's middleware runs
 * (a body too large, malformed JSON) carries its id as well.
 */
export const requestIds = () => (req: IncomingMessage, res: ServerResponse, next: () => void) => {
  requestIdOf(req, res);
  next();
};
