/**
 * The API's errors as classes: every answer that is not 2xx carries `{"error": {"code", "message", …}}`
 * (the server's docs/errors.md); the code picks the class, the rest stays in `details`.
 */
export class FrameOSError extends Error {
  override name = 'FrameOSError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/** 403 policy_violation: the policy refused; `reason` says which rule (amount_over_cap, daily_limit_exceeded, …). */
export class PolicyViolationError extends FrameOSError {
  override name = 'PolicyViolationError';
  get reason(): string {
    return typeof this.details.reason === 'string' ? this.details.reason : 'unknown';
  }
}

/** 402 insufficient_funds: the wallet cannot cover the amount. */
export class InsufficientFundsError extends FrameOSError {
  override name = 'InsufficientFundsError';
}

/** 400 validation_error: `field` names the part of the request (e.g. `body.amount`). */
export class ValidationError extends FrameOSError {
  override name = 'ValidationError';
  get field(): string | undefined {
    return typeof this.details.field === 'string' ? this.details.field : undefined;
  }
}

/** 401: the key or session is missing, wrong, revoked or expired. */
export class AuthenticationError extends FrameOSError {
  override name = 'AuthenticationError';
}

/** 404 not_found (another organization's ids answer the same). */
export class NotFoundError extends FrameOSError {
  override name = 'NotFoundError';
}

/** 429 rate_limited: `retryAfterSeconds` from the Retry-After header. */
export class RateLimitedError extends FrameOSError {
  override name = 'RateLimitedError';
  retryAfterSeconds?: number;
}

/** The payment needs a person: the mandate waits in `pending_approval`; nothing is charged until it is approved. */
export class ApprovalRequiredError extends FrameOSError {
  override name = 'ApprovalRequiredError';
  readonly intentId?: string;
  readonly executionId?: string;
  constructor(readonly mandateId: string, context: { intentId?: string; executionId?: string } = {}) {
    super(202, 'approval_required', `Mandate ${mandateId} waits for a person to approve it; nothing has been charged.`, { mandate_id: mandateId, intent_id: context.intentId, execution_id: context.executionId });
    this.intentId = context.intentId;
    this.executionId = context.executionId;
  }
}

/** The server could not be reached (after the retries the request allowed). */
export class NetworkError extends FrameOSError {
  override name = 'NetworkError';
}

const BY_CODE: Record<string, typeof FrameOSError> = {
  policy_violation: PolicyViolationError,
  insufficient_funds: InsufficientFundsError,
  validation_error: ValidationError,
  not_found: NotFoundError,
  rate_limited: RateLimitedError,
};

/** The error for a non-2xx answer and its parsed body (anything: a proxy may answer HTML). */
export function errorFromResponse(response: Response, body: unknown): FrameOSError {
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  const requestId = response.headers.get('x-request-id') ?? undefined;
  if (!error || typeof error.code !== 'string') {
    return new FrameOSError(response.status, 'http_error', `The server answered ${response.status} ${response.statusText}`.trim(), {}, requestId);
  }
  const { code, message, ...details } = error;
  const Class = response.status === 401 ? AuthenticationError : (BY_CODE[code] ?? FrameOSError);
  const made = new Class(response.status, code, typeof message === 'string' ? message : code, details, requestId);
  if (made instanceof RateLimitedError) {
    const after = Number(response.headers.get('retry-after'));
    if (Number.isFinite(after)) made.retryAfterSeconds = after;
  }
  return made;
}
