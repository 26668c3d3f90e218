import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, ERROR_CODES, isPublicErrorCode, type PublicErrorCode } from '@frameos/domain';
import { causeChain } from '../../lib/pg-errors.ts';

export interface ErrorBody {
  error: { code: string; message: string; request_id: string } & Record<string, unknown>;
}

export function errorBody(request: FastifyRequest, code: PublicErrorCode, message?: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { error: { code, message: message ?? ERROR_CODES[code].message, ...extra, request_id: request.id } };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, code: PublicErrorCode, message?: string, extra?: Record<string, unknown>) {
  return reply.status(ERROR_CODES[code].status).send(errorBody(request, code, message, extra));
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_MESSAGES = /PGlite is closed|Cannot use a pool after calling end|Connection terminated|timeout exceeded when trying to connect/i;

/** The database cannot be reached: the client should retry later (503), it did nothing wrong. */
function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of causeChain(err)) {
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/** Maps a thrown value to {status, body}; the one place where errors become HTTP. */
export function mapError(request: FastifyRequest, err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof DomainError && isPublicErrorCode(err.code)) {
    return { status: ERROR_CODES[err.code].status, body: errorBody(request, err.code, err.message, err.details) };
  }
  // An internal code (a broken invariant) falls through to 500 internal_error; its code is logged.
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0];
    const field = [err.validationContext, ...(first?.instancePath ?? '').split('/').filter(Boolean)].join('.');
    const message = first ? `${field}: ${first.message}` : ERROR_CODES.validation_error.message;
    return { status: 400, body: errorBody(request, 'validation_error', message, { field }) };
  }
  const fe = err as Partial<FastifyError> & { statusCode?: number };
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: errorBody(request, 'invalid_json') };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody(request, 'payload_too_large') };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody(request, 'unsupported_media_type') };
  }
  if (fe.statusCode === 429) return { status: 429, body: errorBody(request, 'rate_limited') };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: 400, body: errorBody(request, 'validation_error', 'The request is malformed.') };
  }
  if (isDatabaseUnavailable(err)) return { status: 503, body: errorBody(request, 'service_unavailable') };
  return { status: 500, body: errorBody(request, 'internal_error') };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const { status, body } = mapError(request, err);
    if (status >= 500) request.log.error({ err }, 'request failed');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => sendError(request, reply, 'route_not_found', `No route ${request.method} ${request.url.split('?')[0]}`));
}
