import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import type { LogLevel } from '../config/app-config';
import { requestIdOf } from './request-id';

/**
 * Belt and braces: the serializers below log no headers and no address at all, and these
 * paths stay redacted should anyone log a raw request. Client addresses and user agents are
 * personal data (README, "What we keep about readers"); the rest are credentials.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-edit-token"]',
  'req.headers["x-edit-tokens"]',
  'req.headers["user-agent"]',
  'req.headers["x-forwarded-for"]',
  'req.headers.forwarded',
  'req.headers["x-real-ip"]',
  'req.remoteAddress',
  'req.remotePort',
  'res.headers["set-cookie"]',
];

/** Paths probed every few seconds: a line each would bury the requests people make. */
const QUIET_PATHS = new Set(['/health', '/metrics']);

/** The path only: query strings carry stream tickets, and cursors and filters say nothing an operator needs. */
const pathOf = (url: string | undefined) => (url ?? '').split('?')[0];

interface SerializedRequest {
  id: unknown;
  method: string;
  url: string;
}

/** pino-http's options: JSON lines, one per answered request with its id, method, path, status and time. */
export function httpLogOptions(level: LogLevel): Options {
  return {
    level,
    genReqId: requestIdOf,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: SerializedRequest) => ({ id: req.id, method: req.method, url: pathOf(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.has(pathOf(req.url)) },
  };
}
