// Requests that Node's HTTP parser refuses before Express sees them (headers over Node's
// 16 KB limit, a malformed request line or header, conflicting Content-Length and
// Transfer-Encoding) would get Node's bare status line with no body. Answer them with the
// contract's error body instead, and close the connection as Node does.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpErrorCode } from '../../domain/error-codes';

/** Node's error code to [status, reason phrase, our error code, message]. */
const ANSWERS: Record<string, readonly [number, string, HttpErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE', 'The request headers are too large.'],
  HPE_REQUEST_TIMEOUT: [408, 'Request Timeout', 'REQUEST_TIMEOUT', 'The request was not received in time.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'REQUEST_TIMEOUT', 'The request was not received in time.'],
};
const MALFORMED: readonly [number, string, HttpErrorCode, string] = [400, 'Bad Request', 'VALIDATION_FAILED', 'The request is not valid HTTP.'];

export function rawErrorResponse(errorCode: string | undefined): string {
  const [status, reason, code, message] = (errorCode && ANSWERS[errorCode]) || MALFORMED;
  const body = JSON.stringify({ error: { code, message, details: [] } });
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // As Node's own handler: nothing to answer on a reset or closed socket, or when a
    // response on this connection has already begun.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    socket.end(rawErrorResponse(error.code));
  });
}
