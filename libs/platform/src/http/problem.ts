import { DomainError } from '@app/domain';
import { PersonalDataKeyMissingError, StreamConflictError } from '@app/event-store';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';

interface HttpResponse {
  headersSent: boolean;
  setHeader(name: string, value: string): void;
  status(code: number): HttpResponse;
  type(t: string): HttpResponse;
  send(body: string): void;
}

export interface ProblemField {
  field: string;
  message: string;
}

/** RFC 9457 problem details; `errors` lists every offending field. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ProblemField[];
  /** Extension members, e.g. the health report of a failed readiness check. */
  [extension: string]: unknown;
}

/** Terminus reports which indicator failed in these members; they survive as extensions. */
const HEALTH_MEMBERS = ['info', 'error', 'details'] as const;

/** An HTTP error that already knows its problem body. */
export class ProblemException extends HttpException {
  constructor(status: number, detail: string, errors?: ProblemField[], headers?: Record<string, string>) {
    super({ detail, errors }, status);
    this.headers = headers;
  }
  headers?: Record<string, string>;
}

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  'not-found': HttpStatus.NOT_FOUND,
  forbidden: HttpStatus.FORBIDDEN,
  rule: HttpStatus.UNPROCESSABLE_ENTITY,
  invalid: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  428: 'Precondition Required',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Mongo driver errors that mean the store cannot be reached right now. */
function isStoreDown(error: unknown): boolean {
  // A grouped insert that failed as a whole (libs/event-store GroupInsert): its cause.
  if ((error as { name?: string } | null)?.name === 'BatchOutcomeUnknownError') return isStoreDown((error as { cause?: unknown }).cause);
  const name = (error as { name?: string })?.name ?? '';
  return /^Mongo(ServerSelection|Network|NotConnected|Topology)/.test(name) || name === 'PoolClearedError' || name === 'MongoWaitQueueTimeoutError';
}

export const problemOf = (status: number, detail: string, errors?: ProblemField[]): Problem => ({
  type: `https://reply-section.dev/problems/${status}`,
  title: TITLES[status] ?? 'Error',
  status,
  detail,
  ...(errors?.length ? { errors } : {}),
});

export function toProblem(error: unknown): { problem: Problem; headers?: Record<string, string> } {
  const make = problemOf;
  if (error instanceof DomainError) {
    const status = DOMAIN_STATUS[error.kind];
    return { problem: make(status, error.message, error.field ? [{ field: error.field, message: error.message }] : undefined) };
  }
  if (error instanceof PersonalDataKeyMissingError) {
    // The author was erased while this request ran: nothing of theirs may be stored any more.
    return { problem: make(422, 'the author of this reply was erased; it can no longer be changed') };
  }
  if (error instanceof StreamConflictError) {
    return { problem: make(409, 'the reply changed while this request ran; load it again and retry') };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse() as string | { detail?: string; message?: string | string[]; errors?: ProblemField[] };
    const detail = typeof body === 'string' ? body : body.detail ?? (Array.isArray(body.message) ? body.message.join('; ') : body.message) ?? error.message;
    const problem = make(status, detail, typeof body === 'object' ? body.errors : undefined);
    if (typeof body === 'object' && 'details' in body) {
      for (const k of HEALTH_MEMBERS) problem[k] = (body as Record<string, unknown>)[k];
      problem.detail = 'not ready: a store is down';
    }
    return { problem, headers: (error as ProblemException).headers };
  }
  // body-parser's own errors carry `type` and `status`.
  const bodyError = error as { type?: string; status?: number; limit?: number };
  if (bodyError?.type === 'entity.too.large') return { problem: make(413, `request body is larger than ${bodyError.limit} bytes`) };
  if (bodyError?.type === 'entity.parse.failed') return { problem: make(400, 'request body is not valid JSON') };
  if (bodyError?.type === 'encoding.unsupported' || bodyError?.type === 'charset.unsupported') return { problem: make(415, 'unsupported body encoding') };
  if (isStoreDown(error)) return { problem: make(503, 'the event store is unreachable; nothing was written'), headers: { 'Retry-After': '5' } };
  return { problem: make(500, 'unexpected error') };
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const { problem, headers } = toProblem(error);
    // Unexpected errors get their stack; a store that is down is reported, not a bug.
    if (problem.status === 500) this.logger.error(error instanceof Error ? error.stack ?? error.message : String(error));
    else if (problem.status >= 500) this.logger.warn(problem.detail);
    if (response.headersSent) return;
    for (const [k, v] of Object.entries(headers ?? {})) response.setHeader(k, v);
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }
}
