import type { ErrorCode } from './error-codes.ts';

/**
 * The one error type the domain throws. `code` is stable and machine-readable — one of the error
 * table's codes, or an internal one — and the server maps it to an HTTP status in one place, so
 * nothing in the domain knows about HTTP.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The id the caller named does not exist for them (another org's ids answer the same). */
export function notFound(what: string, id: string): DomainError {
  return new DomainError('not_found', `${what} ${id} not found`);
}

/** A field of the request breaks a rule its schema cannot express; `field` is `<part>.<path>`, e.g. `body.url`. */
export function invalidField(field: string, reason: string): DomainError {
  return new DomainError('validation_error', `${field}: ${reason}`, { field });
}

/** The first issue of a schema that ran inside a use case (not at the route), as `invalidField` under `prefix`. */
export function invalidFieldFromIssues(prefix: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): DomainError {
  const issue = issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].join('.');
  return invalidField(field, issue?.message ?? 'is invalid');
}
