import { expect } from 'vitest';
import type { TestResponse } from './test-app.ts';

/**
 * Every error answers {error:{code, message, request_id}} with the right status, the request id
 * echoed in x-request-id, and never a stack trace.
 */
export function expectError(res: TestResponse, status: number, code: string, extra: Record<string, unknown> = {}): void {
  expect({ status: res.status, code: res.body?.error?.code }, res.text).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.error).toMatchObject({ message: expect.any(String), request_id: res.headers['x-request-id'], ...extra });
  expect(res.body.error.request_id).toMatch(/^req_[0-9a-f]{32}$/);
  expect(res.text).not.toContain('    at ');
}

export function expectPolicyViolation(res: TestResponse, reason: string): void {
  expectError(res, 403, 'policy_violation', { reason });
}

export function expectValidationError(res: TestResponse, field: string): void {
  expectError(res, 400, 'validation_error', { field });
  expect(res.body.error.message).toContain(field);
}

/** What `run` throws (undefined when it returns), for assertions on the error itself. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
