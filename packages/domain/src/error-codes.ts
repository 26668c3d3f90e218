/**
 * Every error code the API can return, once, with the HTTP status it answers with and a default
 * message (documented in docs/errors.md; a test keeps the two in sync). It is the API's contract
 * rather than HTTP machinery, so it lives beside DomainError: a code outside this table or the
 * internal list below does not compile.
 */
export const ERROR_CODES = {
  validation_error: { status: 400, message: 'The request is invalid.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  json_too_deep: { status: 400, message: 'The request body nests arrays or objects too deeply.' },
  invalid_url: { status: 400, message: 'The URL path is not valid percent-encoded UTF-8.' },
  malformed_request: { status: 400, message: 'The request is not well-formed HTTP.' },
  invalid_preflight: { status: 400, message: 'A CORS preflight needs the Origin and Access-Control-Request-Method headers.' },
  idempotency_key_missing: { status: 400, message: 'An Idempotency-Key header is required on this request.' },
  invalid_amount: { status: 400, message: 'The amount must be a positive integer in minor units.' },
  invalid_currency: { status: 400, message: 'The currency is not an ISO 4217 code.' },
  currency_mismatch: { status: 400, message: 'The amounts are in different currencies.' },
  invalid_timezone: { status: 400, message: 'The time zone is not a valid IANA zone.' },
  amount_overflow: { status: 400, message: 'The amount is too large.' },
  rail_not_configured: { status: 400, message: 'The rail is not configured on this server.' },
  rail_account_missing: { status: 400, message: 'The organization has not set up its account at this rail.' },
  webhook_signature_invalid: { status: 400, message: 'The webhook signature or timestamp does not verify.' },
  webhook_payload_invalid: { status: 400, message: 'The webhook is authentic but its payload is not a well-formed event.' },
  invalid_manifest: { status: 400, message: 'The agent manifest is invalid; errors lists every problem.' },
  runtime_not_supported: { status: 400, message: 'The agent runtime is not supported; use nodejs.' },
  invalid_code: { status: 400, message: 'The agent code is not one ES module with a default export.' },
  invalid_inputs: { status: 400, message: 'The inputs do not match the agent manifest; errors lists every problem.' },
  subscription_past_due: { status: 402, message: 'The deployment\'s subscription renewal failed; pay it to run the agent again.' },
  insufficient_funds: { status: 402, message: 'The wallet balance is too low for this payment.' },
  unauthorized: { status: 401, message: 'A valid API key or session token is required.' },
  invalid_credentials: { status: 401, message: 'The email or password is wrong.' },
  forbidden: { status: 403, message: 'Your role does not allow this action.' },
  policy_violation: { status: 403, message: 'The request violates the policy.' },
  mandate_expired: { status: 403, message: 'The mandate has expired.' },
  mandate_not_approved: { status: 403, message: 'The mandate is waiting for human approval or was rejected.' },
  mandate_invalid: { status: 403, message: 'The mandate signature does not verify.' },
  developer_required: { status: 403, message: 'Create the organization\'s developer profile first: POST /developers.' },
  top_ups_disabled: { status: 403, message: 'Test-mode top-ups are disabled in production.' },
  not_found: { status: 404, message: 'The resource does not exist.' },
  route_not_found: { status: 404, message: 'No such route.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  mandate_already_used: { status: 409, message: 'The mandate has already been used.' },
  mandate_not_pending: { status: 409, message: 'The mandate is not waiting for approval.' },
  intent_not_mandatable: { status: 409, message: 'The purchase intent already has a mandate or is closed.' },
  idempotency_key_in_use: { status: 409, message: 'A request with this Idempotency-Key is still in progress.' },
  last_owner: { status: 409, message: 'An organization must keep at least one owner.' },
  email_taken: { status: 409, message: 'An account with this email already exists.' },
  already_member: { status: 409, message: 'This person is already a member of the organization.' },
  vendor_exists: { status: 409, message: 'A vendor with this vendor_id already exists.' },
  payment_not_refundable: { status: 409, message: 'Only a settled payment can be refunded.' },
  payment_fully_refunded: { status: 409, message: 'The payment has already been refunded in full.' },
  refund_exceeds_payment: { status: 409, message: 'The refund exceeds what remains of the payment.' },
  refund_not_supported: { status: 409, message: 'The payment\'s rail cannot refund.' },
  developer_exists: { status: 409, message: 'The organization already has a developer profile.' },
  agent_id_taken: { status: 409, message: 'Another developer publishes an agent with this id.' },
  agent_version_exists: { status: 409, message: 'This version of the agent already exists; versions are immutable.' },
  agent_version_not_newer: { status: 409, message: 'A new version must be higher than every existing version.' },
  agent_not_pending: { status: 409, message: 'The agent has no version waiting for review.' },
  agent_not_available: { status: 409, message: 'The agent is suspended or has no approved version.' },
  deployment_not_active: { status: 409, message: 'The deployment is paused or deleted.' },
  execution_finished: { status: 409, message: 'The execution has already finished.' },
  request_timeout: { status: 408, message: 'The request did not arrive in time.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  url_too_long: { status: 414, message: 'A path parameter of the URL is too long.' },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json.' },
  idempotency_key_reused: { status: 422, message: 'This Idempotency-Key was used with a different request.' },
  rate_limited: { status: 429, message: 'Too many requests; slow down.' },
  headers_too_large: { status: 431, message: 'The request headers are too large.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  service_unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type PublicErrorCode = keyof typeof ERROR_CODES;

/**
 * Codes of broken invariants, never a client's mistake: thrown by the domain when code misuses it
 * (an unbalanced transfer, a transition from a state that does not allow it, a malformed key). The
 * server answers them as `500 internal_error` and logs the code; docs/errors.md lists them apart.
 */
export const INTERNAL_ERROR_CODES = [
  'unbalanced_transfer',
  'invalid_transfer',
  'invalid_transition',
  'invalid_signing_key',
  'invalid_mandate_claims',
  'invalid_receipt',
  'invalid_shard_count',
  'invalid_webhook_secret',
] as const;

export type InternalErrorCode = (typeof INTERNAL_ERROR_CODES)[number];
export type ErrorCode = PublicErrorCode | InternalErrorCode;

export function isPublicErrorCode(code: string): code is PublicErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
