import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { DomainError, ERROR_CODES, INTERNAL_ERROR_CODES, type PublicErrorCode } from '@frameos/domain';
import { mapError } from '../src/http/plugins/errors.ts';

const request = { id: 'req_0123456789abcdef0123456789abcdef' } as FastifyRequest;

describe('mapError', () => {
  it('answers every public code with its status from the error table', () => {
    for (const code of Object.keys(ERROR_CODES) as PublicErrorCode[]) {
      const { status, body } = mapError(request, new DomainError(code, 'because'));
      expect({ code, status, body: body.error.code }).toEqual({ code, status: ERROR_CODES[code].status, body: code });
    }
  });

  it('answers an internal code as 500 internal_error with the generic message, never the code', () => {
    for (const code of INTERNAL_ERROR_CODES) {
      const { status, body } = mapError(request, new DomainError(code, `postings in INR do not sum to zero (${code})`));
      expect(status).toBe(500);
      expect(body.error).toEqual({ code: 'internal_error', message: ERROR_CODES.internal_error.message, request_id: request.id });
    }
  });
});
