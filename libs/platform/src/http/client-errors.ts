import { Server, STATUS_CODES } from 'node:http';
import { Duplex } from 'node:stream';
import { problemOf } from './problem';

/** What Node's own handler would answer for each parser error, with why. */
function statusFor(code: string | undefined): { status: number; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'request headers are too large' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, detail: 'chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: 'the request took too long to arrive' };
    default:
      return { status: 400, detail: 'malformed HTTP request' };
  }
}

/**
 * Requests Node's HTTP parser refuses (oversized headers, bad framing, garbage) never reach
 * Express; Node answers them with an empty body. Here they get problem+json too, written
 * straight to the socket since there is no response object.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    // Nothing to answer on a reset socket, or mid-way through a response already started.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, detail } = statusFor(error.code);
    const body = JSON.stringify(problemOf(status, detail));
    socket.end(
      [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        'Content-Type: application/problem+json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'X-Content-Type-Options: nosniff',
        'Cache-Control: no-store',
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
}
