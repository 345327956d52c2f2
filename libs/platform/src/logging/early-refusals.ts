import { PinoLogger } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { requestIdOf } from './request-id';

/**
 * pino-http runs as Nest middleware, after the body parser: a request the parser refuses
 * (malformed JSON, too large, too deep) never reaches it. Such answers are logged here, in
 * the same shape, so a flood of bad requests shows in the log too.
 */
export const logEarlyRefusals = () => (req: IncomingMessage, res: ServerResponse, next: () => void) => {
  const started = Date.now();
  res.once('finish', () => {
    if ((req as IncomingMessage & { log?: unknown }).log) return; // pino-http saw it
    requestIdOf(req, res);
    // The raw objects: the logger's own serializers shape them, as for pino-http's lines.
    const line = { req, res, responseTime: Date.now() - started };
    // Set once LoggerModule starts; a process without it logs nothing here.
    const root: Logger | undefined = PinoLogger.root;
    if (res.statusCode >= 500) root?.error(line, 'request refused before routing');
    else root?.info(line, 'request refused before routing');
  });
  next();
};
