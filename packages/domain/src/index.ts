export { DomainError, invalidField, invalidFieldFromIssues, notFound } from './errors.ts';
export {
  ERROR_CODES,
  INTERNAL_ERROR_CODES,
  isPublicErrorCode,
  type ErrorCode,
  type InternalErrorCode,
  type PublicErrorCode,
} from './error-codes.ts';
export { ID_PREFIXES, hasIdPrefix, type IdKind } from './ids.ts';

export { CURRENCY_CODES, currencyExponent, isCurrencyCode } from './money/currencies.ts';
export {
  addMinor,
  addMoney,
  assertMinorAmount,
  formatMinor,
  parseMajor,
  subtractMinor,
  subtractMoney,
  sumMinor,
  type Money,
} from './money/money.ts';
export { formatMajorUnits, parseMajorUnits } from './money/major-units.ts';
export { MAX_EXACT_MINOR, maxAmount } from './money/limits.ts';
export { AmountSchema, amountWithinCurrencyMaximum, CurrencySchema } from './money/money.schema.ts';
export { VENDOR_ID_PATTERN, VendorSlugSchema } from './vendors/vendor-id.ts';
export { maskCredential } from './security/mask-credential.ts';

export { applyPostings, assertBalancedPostings, buildTransferPostings, type Posting } from './ledger/transfer.ts';
export { accountShard, PAYABLE_SHARDS } from './ledger/account-shard.ts';
export {
  assertHoldResolution,
  assertTransferKind,
  TRANSFER_KIND_NAMES,
  TRANSFER_KINDS,
  type LedgerAccountType,
  type TransferKind,
} from './ledger/transfer-kinds.ts';

export type { PolicyRules, PolicyViolationReason, RiskTier, TimeWindow, Weekday } from './policy/types.ts';
export { PolicyRulesSchema, TimeWindowSchema, WeekdaySchema } from './policy/policy-rules.schema.ts';
export { ipAllowed, isValidCidr } from './policy/ip-allowlist.ts';
export { isTimeZone, localMonthBounds, localTimeParts, policyDayBounds, withinTimeWindow, type LocalTimeParts } from './policy/time-window.ts';
export {
  evaluatePolicy,
  policyTimezone,
  requiresApproval,
  type PolicyCheck,
  type PolicyDecision,
} from './policy/evaluate-policy.ts';

export { generateSigningSeed, isStrongSeed, signingKeyFromSeed, type SigningKey } from './mandate/signing-key.ts';
export {
  buildMandateClaims,
  MandateClaimsSchema,
  type MandateClaims,
  type MandateClaimsInput,
} from './mandate/mandate-claims.ts';
export { signMandate, verifyMandate } from './mandate/sign-mandate.ts';
export {
  nextMandateStatus,
  visibleMandateStatus,
  type MandateState,
  type MandateStatus,
  type MandateTransition,
  type VisibleMandateStatus,
} from './mandate/mandate-transitions.ts';
export { INTENT_TRANSITIONS, nextIntentStatus, type IntentStatus, type IntentTransition } from './intents/intent-transitions.ts';

export { GENESIS_HASH, receiptHash, signReceiptHash, verifyReceiptSignature } from './receipts/receipt-hash.ts';
export {
  verifyReceiptChain,
  type ChainReceipt,
  type ChainStart,
  type ChainVerification,
} from './receipts/verify-chain.ts';

export { generateWebhookSecret, signWebhook, type SignedWebhookHeaders } from './webhooks/standard-webhook.ts';
export { isPublicAddress } from './webhooks/public-address.ts';
export { hostAllowed } from './agents/allowed-hosts.ts';
export { DELIVERY_SCHEDULE_MS, MAX_DELIVERY_ATTEMPTS, nextDeliveryDelayMs } from './webhooks/delivery-schedule.ts';

export {
  decidePaymentTransition,
  type PaymentStatus,
  type PaymentTransition,
  type TransitionDecision,
} from './payments/payment-transitions.ts';
export { resolveRefundAmount } from './payments/refund-amount.ts';
export { decideRefundTransition, type RefundDecision, type RefundStatus, type RefundTransition } from './payments/refund-transitions.ts';

export {
  AGENT_CAPABILITIES,
  AGENT_CATEGORIES,
  AGENT_CURRENCIES,
  AGENT_FIELD_TYPES,
  AGENT_ID_PATTERN,
  AGENT_PRICING_MODELS,
  AgentManifestSchema,
  compareSemver,
  inputJsonSchema,
  inputProblems,
  manifestProblems,
  MAX_MEMORY_MB,
  MAX_TIMEOUT_MS,
  outputJsonSchema,
  outputProblems,
  parseManifest,
  semverParts,
  SEMVER_PATTERN,
  type AgentCapability,
  type AgentCategory,
  type AgentFieldType,
  type AgentInputField,
  type AgentManifest,
  type AgentOutputField,
  type AgentPricingModel,
  type JsonSchemaObject,
  type Problem,
} from './agents/agent-manifest.ts';
export {
  EXECUTION_TRANSITIONS,
  FINAL_EXECUTION_STATUSES,
  isFinalExecutionStatus,
  nextExecutionStatus,
  type ExecutionStatus,
  type ExecutionTransition,
} from './executions/execution-transitions.ts';
export { BASIS_POINTS, splitMarketplaceCapture, usageCost } from './executions/marketplace-split.ts';
export {
  A2A_INPUT_MODES,
  A2A_OUTPUT_MODES,
  A2A_PRICING_EXTENSION_URI,
  A2A_SECURITY_SCHEME,
  agentCardSigningInput,
  buildAgentCard,
  signAgentCard,
  verifyAgentCard,
  type A2AAgentCard,
  type A2AAgentCardSignature,
  type A2AAgentSkill,
  type A2APricingParams,
  type AgentCardInput,
} from './a2a/agent-card.ts';
