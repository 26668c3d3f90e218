import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type PublicErrorCode } from '@frameos/domain';
import { sendError } from './errors.ts';

/** Request ids look the same whoever makes them: ours (genReqId) or one for a request that never parsed. */
export function newRequestId(): string {
  return `req_${crypto.randomUUID().replaceAll('-', '')}`;
}

/**
 * Errors the router finds before a route exists for the request (Fastify's `frameworkErrors`):
 * a path whose percent-encoding does not decode, or a path parameter over `maxParamLength`.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendError(request, reply, 'url_too_long');
    return;
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    void sendError(request, reply, 'invalid_url');
    return;
  }
  void sendError(request, reply, 'internal_error');
}

/**
 * Requests Node's HTTP parser refuses (a malformed request line or header, headers over the size
 * limit, a request that arrives too slowly) never become a Fastify request. The answer is written to
 * the socket directly, in the same error shape as every other error, then the connection closes.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: PublicErrorCode = err.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'malformed_request';
  const { status, message } = ERROR_CODES[code];
  const requestId = newRequestId();
  const body = JSON.stringify({ error: { code, message, request_id: requestId } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
