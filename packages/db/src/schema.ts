import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const money = (name: string) => bigint(name, { mode: 'number' });
/**
 * Money is read into JavaScript numbers, which hold integers exactly up to 2^53 − 1
 * (Number.MAX_SAFE_INTEGER): no stored amount or balance may leave that range.
 */
const MAX_EXACT_MINOR = sql.raw('9007199254740991');
const exactMoney = (name: string, column: AnyPgColumn) => check(name, sql`${column} between -${MAX_EXACT_MINOR} and ${MAX_EXACT_MINOR}`);

export const organizations = pgTable('organizations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('users_email_key').on(t.email)]);

export const memberships = pgTable('memberships', {
  orgId: text('org_id').notNull().references(() => organizations.id),
  userId: text('user_id').notNull().references(() => users.id),
  role: text('role', { enum: ['owner', 'admin', 'member', 'viewer'] }).notNull(),
  createdAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.orgId, t.userId] }),
  check('memberships_role_check', sql`${t.role} in ('owner','admin','member','viewer')`),
]);

export const agentAccounts = pgTable('agent_accounts', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  name: text('name').notNull(),
  riskTier: text('risk_tier', { enum: ['LOW', 'MEDIUM', 'HIGH'] }).notNull(),
  createdAt: createdAt(),
}, (t) => [
  index('agent_accounts_org_idx').on(t.orgId, t.id),
  check('agent_accounts_risk_tier_check', sql`${t.riskTier} in ('LOW','MEDIUM','HIGH')`),
]);

export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  kind: text('kind', { enum: ['org', 'agent'] }).notNull(),
  agentAccountId: text('agent_account_id').references(() => agentAccounts.id),
  keyHash: text('key_hash').notNull(),
  displayPrefix: text('display_prefix').notNull(),
  createdAt: createdAt(),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
}, (t) => [
  uniqueIndex('api_keys_key_hash_key').on(t.keyHash),
  index('api_keys_org_idx').on(t.orgId),
  check('api_keys_kind_check', sql`(${t.kind} = 'org' and ${t.agentAccountId} is null) or (${t.kind} = 'agent' and ${t.agentAccountId} is not null)`),
]);

export const vendors = pgTable('vendors', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  vendorId: text('vendor_id').notNull(),
  name: text('name').notNull(),
  rail: text('rail').notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('vendors_org_vendor_key').on(t.orgId, t.vendorId)]);

export const ledgerAccounts = pgTable('ledger_accounts', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  /** developer_payable lives in the developer's org, platform_revenue in the platform org (PLATFORM_ORG_ID). */
  type: text('type', { enum: ['agent_wallet', 'vendor_payable', 'test_funding', 'rail_clearing', 'developer_payable', 'platform_revenue'] }).notNull(),
  ownerRef: text('owner_ref').notNull(),
  currency: text('currency').notNull(),
  balance: money('balance').notNull().default(0),
  allowNegative: boolean('allow_negative').notNull().default(false),
  /** A hot account (a vendor many agents pay) is split into shards so payments do not queue on one row. */
  shard: integer('shard').notNull().default(0),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('ledger_accounts_owner_shard_key').on(t.orgId, t.type, t.ownerRef, t.currency, t.shard),
  check('ledger_accounts_no_overdraft', sql`${t.allowNegative} or ${t.balance} >= 0`),
  exactMoney('ledger_accounts_balance_exact', t.balance),
  check('ledger_accounts_currency_check', sql`${t.currency} ~ '^[A-Z]{3}$'`),
]);

export const transfers = pgTable('transfers', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  /** What the transfer does, and so which account types it may move money between (TRANSFER_KINDS in the domain):
   * payment: wallet → payable (ledger rail); payment_hold: wallet → clearing while an external rail decides;
   * payment_capture / payment_release: clearing → payable / wallet, resolving the hold they name. */
  kind: text('kind', { enum: ['top_up', 'payment', 'payment_hold', 'payment_capture', 'payment_release', 'refund'] }).notNull(),
  reference: text('reference').notNull(),
  /** The payment_hold a capture or release resolves (TigerBeetle's pending_id); null for every other kind. */
  holdTransferId: text('hold_transfer_id').references((): AnyPgColumn => transfers.id),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('transfers_kind_reference_key').on(t.kind, t.reference),
  index('transfers_hold_idx').on(t.holdTransferId),
  check('transfers_kind_check', sql`${t.kind} in ('top_up','payment','payment_hold','payment_capture','payment_release','refund')`),
  check('transfers_resolves_hold', sql`(${t.kind} in ('payment_capture','payment_release')) = (${t.holdTransferId} is not null)`),
]);

export const postings = pgTable('postings', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  transferId: text('transfer_id').notNull().references(() => transfers.id),
  accountId: text('account_id').notNull().references(() => ledgerAccounts.id),
  amount: money('amount').notNull(),
  currency: text('currency').notNull(),
}, (t) => [
  index('postings_transfer_idx').on(t.transferId),
  index('postings_account_idx').on(t.accountId),
  check('postings_amount_nonzero', sql`${t.amount} <> 0`),
  exactMoney('postings_amount_exact', t.amount),
]);

export const policies = pgTable('policies', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  agentAccountId: text('agent_account_id').notNull().references(() => agentAccounts.id),
  name: text('name').notNull(),
  currentVersion: integer('current_version').notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [index('policies_org_idx').on(t.orgId, t.id)]);

export const policyVersions = pgTable('policy_versions', {
  policyId: text('policy_id').notNull().references(() => policies.id),
  version: integer('version').notNull(),
  rules: jsonb('rules').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.policyId, t.version] })]);

export const purchaseIntents = pgTable('purchase_intents', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  agentAccountId: text('agent_account_id').notNull().references(() => agentAccounts.id),
  vendor: text('vendor').notNull(),
  amount: money('amount').notNull(),
  currency: text('currency').notNull(),
  description: text('description'),
  metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
  status: text('status', { enum: ['requires_mandate', 'pending_approval', 'mandated', 'succeeded', 'failed', 'canceled'] }).notNull(),
  createdAt: createdAt(),
}, (t) => [
  index('purchase_intents_org_idx').on(t.orgId, t.id),
  check('purchase_intents_amount_positive', sql`${t.amount} > 0`),
  exactMoney('purchase_intents_amount_exact', t.amount),
]);

export const mandates = pgTable('mandates', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  intentId: text('intent_id').notNull().references(() => purchaseIntents.id),
  agentAccountId: text('agent_account_id').notNull().references(() => agentAccounts.id),
  policyId: text('policy_id').notNull().references(() => policies.id),
  policyVersion: integer('policy_version').notNull(),
  vendor: text('vendor').notNull(),
  amount: money('amount').notNull(),
  currency: text('currency').notNull(),
  status: text('status', { enum: ['active', 'pending_approval', 'rejected', 'used'] }).notNull(),
  jws: text('jws').notNull(),
  nonce: text('nonce').notNull(),
  issuedAt: timestamp('issued_at', { withTimezone: true, mode: 'date' }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  decidedBy: text('decided_by'),
  decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
  usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  createdAt: createdAt(),
}, (t) => [
  index('mandates_org_idx').on(t.orgId, t.id),
  uniqueIndex('mandates_nonce_key').on(t.nonce),
  uniqueIndex('mandates_one_live_per_intent').on(t.intentId).where(sql`${t.status} <> 'rejected'`),
  check('mandates_amount_positive', sql`${t.amount} > 0`),
  exactMoney('mandates_amount_exact', t.amount),
]);

export const payments = pgTable('payments', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  mandateId: text('mandate_id').notNull().references(() => mandates.id),
  intentId: text('intent_id').notNull().references(() => purchaseIntents.id),
  agentAccountId: text('agent_account_id').notNull().references(() => agentAccounts.id),
  policyId: text('policy_id').notNull().references(() => policies.id),
  vendor: text('vendor').notNull(),
  rail: text('rail').notNull(),
  amount: money('amount').notNull(),
  currency: text('currency').notNull(),
  status: text('status', { enum: ['pending', 'settled', 'failed'] }).notNull(),
  transferId: text('transfer_id').references(() => transfers.id),
  failureCode: text('failure_code'),
  failureMessage: text('failure_message'),
  /** The rail's own id for this payment (PaymentIntent, Cashfree order, x402 transaction hash). */
  railReference: text('rail_reference'),
  railDetails: jsonb('rail_details').$type<Record<string, string>>().notNull().default({}),
  /** Refunded or being refunded: reserved when a refund starts, so concurrent refunds cannot exceed the amount. */
  refundedAmount: money('refunded_amount').notNull().default(0),
  /** Set when reconciliation or a webhook found something a human must look at (e.g. a success after a failure). */
  attentionReason: text('attention_reason'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }),
  settledAt: timestamp('settled_at', { withTimezone: true, mode: 'date' }),
}, (t) => [
  // A mandate whose payment failed with nothing charged may be executed again.
  uniqueIndex('payments_mandate_key').on(t.mandateId).where(sql`${t.status} <> 'failed'`),
  index('payments_pending_idx').on(t.createdAt).where(sql`${t.status} = 'pending'`),
  index('payments_rail_reference_idx').on(t.rail, t.railReference),
  check('payments_refunded_within_amount', sql`${t.refundedAmount} >= 0 and ${t.refundedAmount} <= ${t.amount}`),
  index('payments_org_idx').on(t.orgId, t.id),
  index('payments_policy_day_idx').on(t.policyId, t.createdAt),
  check('payments_amount_positive', sql`${t.amount} > 0`),
  exactMoney('payments_amount_exact', t.amount),
]);

export const receiptChains = pgTable('receipt_chains', {
  agentAccountId: text('agent_account_id').primaryKey().references(() => agentAccounts.id),
  orgId: text('org_id').notNull().references(() => organizations.id),
  lastSeq: integer('last_seq').notNull().default(0),
  headHash: text('head_hash').notNull(),
});

export const receipts = pgTable('receipts', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  agentAccountId: text('agent_account_id').notNull().references(() => agentAccounts.id),
  seq: integer('seq').notNull(),
  paymentId: text('payment_id').references(() => payments.id),
  body: jsonb('body').$type<Record<string, unknown>>().notNull(),
  hash: text('hash').notNull(),
  signature: text('signature').notNull(),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('receipts_chain_seq_key').on(t.agentAccountId, t.seq),
  index('receipts_org_idx').on(t.orgId, t.id),
  check('receipts_seq_positive', sql`${t.seq} > 0`),
]);

export const idempotencyKeys = pgTable('idempotency_keys', {
  principalId: text('principal_id').notNull(),
  key: text('key').notNull(),
  requestHash: text('request_hash').notNull(),
  state: text('state', { enum: ['in_flight', 'completed'] }).notNull(),
  responseStatus: integer('response_status'),
  responseBody: text('response_body'),
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }).notNull(),
  createdAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.principalId, t.key] }),
  index('idempotency_keys_created_idx').on(t.createdAt),
]);

export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
});

export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  url: text('url').notNull(),
  events: jsonb('events').$type<string[]>().notNull(),
  /** The signing secret; it must be readable to sign deliveries (see docs/security.md). */
  secret: text('secret').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  /** Why the endpoint was disabled by FrameOS (not by the org), e.g. persistent delivery failure. */
  disabledReason: text('disabled_reason'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
}, (t) => [index('webhook_endpoints_org_idx').on(t.orgId, t.id)]);

export const integrityChecks = pgTable('integrity_checks', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' }).notNull(),
  chains: integer('chains').notNull(),
  brokenChains: integer('broken_chains').notNull(),
  /** One entry per broken chain: agent account, org, first invalid seq. */
  broken: jsonb('broken').$type<{ agent_account_id: string; org_id: string; first_invalid_seq: number | null }[]>().notNull(),
}, (t) => [index('integrity_checks_checked_at_idx').on(t.checkedAt)]);

export const refunds = pgTable('refunds', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  paymentId: text('payment_id').notNull().references(() => payments.id),
  amount: money('amount').notNull(),
  currency: text('currency').notNull(),
  reason: text('reason').notNull(),
  status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
  railReference: text('rail_reference'),
  transferId: text('transfer_id').references(() => transfers.id),
  failureCode: text('failure_code'),
  failureMessage: text('failure_message'),
  createdAt: createdAt(),
  completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
}, (t) => [
  index('refunds_payment_idx').on(t.paymentId),
  check('refunds_amount_positive', sql`${t.amount} > 0`),
  exactMoney('refunds_amount_exact', t.amount),
]);

/** The org's own account at a rail (Stripe customer + saved payment method, Cashfree customer details). */
export const railAccounts = pgTable('rail_accounts', {
  orgId: text('org_id').notNull().references(() => organizations.id),
  rail: text('rail').notNull(),
  settings: jsonb('settings').$type<Record<string, string>>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.orgId, t.rail] })]);

/** Every inbound rail webhook we accepted, keyed by the rail's event id: a duplicate changes nothing. */
export const railWebhookEvents = pgTable('rail_webhook_events', {
  rail: text('rail').notNull(),
  eventId: text('event_id').notNull(),
  type: text('type').notNull(),
  paymentId: text('payment_id'),
  /** applied | ignored | recorded (not applied: it would move a payment backwards) | unmatched */
  outcome: text('outcome').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
}, (t) => [primaryKey({ columns: [t.rail, t.eventId] })]);

/** Outbound events, written in the transaction of the state change that caused them. */
export const events = pgTable('events', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  type: text('type').notNull(),
  /** The webhook payload exactly as delivered: {"type","timestamp","data"}. */
  payload: text('payload').notNull(),
  createdAt: createdAt(),
}, (t) => [index('events_org_idx').on(t.orgId, t.id)]);

/** One event to one endpoint: the job the delivery worker claims, retries and finally gives up on. */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  endpointId: text('endpoint_id').notNull().references(() => webhookEndpoints.id),
  eventId: text('event_id').notNull().references(() => events.id),
  eventType: text('event_type').notNull(),
  status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull(),
  /** A claimed delivery is leased; a worker that dies mid-delivery loses the lease and another retries. */
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
  lastResponseStatus: integer('last_response_status'),
  lastError: text('last_error'),
  createdAt: createdAt(),
  completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
}, (t) => [
  index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.id),
]);

export const webhookDeliveryAttempts = pgTable('webhook_delivery_attempts', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  deliveryId: text('delivery_id').notNull().references(() => webhookDeliveries.id),
  attempt: integer('attempt').notNull(),
  attemptedAt: timestamp('attempted_at', { withTimezone: true, mode: 'date' }).notNull(),
  responseStatus: integer('response_status'),
  error: text('error'),
  durationMs: integer('duration_ms').notNull(),
}, (t) => [index('webhook_delivery_attempts_delivery_idx').on(t.deliveryId, t.attempt)]);

const timestampColumn = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A developer profile: one per organization; the org that publishes agents and is credited for their runs. */
export const developers = pgTable('developers', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  name: text('name').notNull(),
  email: text('email').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('developers_org_key').on(t.orgId)]);

/**
 * A marketplace listing (`agt_…`, the manifest's id). The listing columns (name … pricing) are
 * copied from its newest approved version when a version is approved, so the catalogue filters and
 * sorts on plain columns.
 */
export const agents = pgTable('agents', {
  id: text('id').primaryKey(),
  developerId: text('developer_id').notNull().references(() => developers.id),
  orgId: text('org_id').notNull().references(() => organizations.id),
  latestApprovedVersion: text('latest_approved_version'),
  name: text('name').notNull(),
  description: text('description').notNull(),
  category: text('category').notNull(),
  tags: jsonb('tags').$type<string[]>().notNull(),
  pricingModel: text('pricing_model').notNull(),
  suspendedAt: timestampColumn('suspended_at'),
  suspendedReason: text('suspended_reason'),
  createdAt: createdAt(),
  updatedAt: timestampColumn('updated_at').notNull().defaultNow(),
  approvedAt: timestampColumn('approved_at'),
}, (t) => [
  index('agents_developer_idx').on(t.developerId),
  index('agents_listed_idx').on(t.approvedAt).where(sql`${t.latestApprovedVersion} is not null and ${t.suspendedAt} is null`),
]);

/** One immutable version of an agent: its manifest, its artifact (content-addressed in the blob store) and its review. */
export const agentVersions = pgTable('agent_versions', {
  agentId: text('agent_id').notNull().references(() => agents.id),
  version: text('version').notNull(),
  /** The semver as three numbers, so "newest" is an ORDER BY. */
  major: integer('major').notNull(),
  minor: integer('minor').notNull(),
  patch: integer('patch').notNull(),
  manifest: jsonb('manifest').$type<Record<string, unknown>>().notNull(),
  codeSha256: text('code_sha256').notNull(),
  codeSize: integer('code_size').notNull(),
  /** The static checks run at upload, for the reviewer: [{name, passed, message}]. */
  checks: jsonb('checks').$type<{ name: string; passed: boolean; message: string }[]>().notNull(),
  status: text('status', { enum: ['pending_review', 'approved', 'rejected'] }).notNull(),
  reviewReason: text('review_reason'),
  reviewedBy: text('reviewed_by'),
  reviewedAt: timestampColumn('reviewed_at'),
  createdAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.agentId, t.version] }),
  index('agent_versions_status_idx').on(t.status, t.createdAt),
  check('agent_versions_status_check', sql`${t.status} in ('pending_review','approved','rejected')`),
]);

/** An org's use of an agent version: who pays (agent account + policy), its settings, its concurrency. */
export const deployments = pgTable('deployments', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  agentId: text('agent_id').notNull().references(() => agents.id),
  version: text('version').notNull(),
  agentAccountId: text('agent_account_id').notNull().references(() => agentAccounts.id),
  policyId: text('policy_id').notNull().references(() => policies.id),
  status: text('status', { enum: ['active', 'paused', 'past_due', 'deleted'] }).notNull(),
  config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
  /** AES-256-GCM sealed JSON of the secrets (SECRETS_ENCRYPTION_KEY); only their names are ever returned. */
  secretsSealed: text('secrets_sealed'),
  secretNames: jsonb('secret_names').$type<string[]>().notNull().default([]),
  allowedHosts: jsonb('allowed_hosts').$type<string[]>().notNull().default([]),
  maxConcurrency: integer('max_concurrency').notNull(),
  /** subscription pricing: the end of the period paid for, and the period's mandate while it waits for a person. */
  paidUntil: timestampColumn('paid_until'),
  pendingMandateId: text('pending_mandate_id').references(() => mandates.id),
  createdAt: createdAt(),
  updatedAt: timestampColumn('updated_at').notNull().defaultNow(),
  deletedAt: timestampColumn('deleted_at'),
}, (t) => [
  index('deployments_org_idx').on(t.orgId, t.id),
  index('deployments_agent_idx').on(t.agentId),
  index('deployments_renewal_idx').on(t.paidUntil).where(sql`${t.paidUntil} is not null and ${t.status} in ('active','past_due')`),
  check('deployments_status_check', sql`${t.status} in ('active','paused','past_due','deleted')`),
  check('deployments_max_concurrency_check', sql`${t.maxConcurrency} between 1 and 100`),
]);

/**
 * One run of a deployment, and the job the execution worker claims: a claimed execution is leased,
 * and a worker that dies mid-run loses the lease so another worker ends it (retried or failed).
 */
export const executions = pgTable('executions', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  deploymentId: text('deployment_id').notNull().references(() => deployments.id),
  agentId: text('agent_id').notNull().references(() => agents.id),
  version: text('version').notNull(),
  agentAccountId: text('agent_account_id').notNull().references(() => agentAccounts.id),
  status: text('status', { enum: ['queued', 'awaiting_approval', 'running', 'succeeded', 'failed', 'timed_out', 'aborted', 'rejected'] }).notNull(),
  inputs: jsonb('inputs').$type<Record<string, unknown>>().notNull(),
  outputs: jsonb('outputs').$type<Record<string, unknown>>(),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  pricingModel: text('pricing_model').notNull(),
  /** What the run costs (per_execution: the price; pay_per_use: units × price once known; subscription: 0). */
  costAmount: money('cost_amount').notNull().default(0),
  currency: text('currency').notNull(),
  /** What was held for the run (pay_per_use: max_charge). */
  heldAmount: money('held_amount').notNull().default(0),
  mandateId: text('mandate_id').references(() => mandates.id),
  paymentId: text('payment_id').references(() => payments.id),
  attempts: integer('attempts').notNull().default(0),
  lockedUntil: timestampColumn('locked_until'),
  /** The caller's IP, for a policy's IP allowlist when the price is held later (after an approval). */
  callerIp: text('caller_ip').notNull(),
  durationMs: integer('duration_ms'),
  logCount: integer('log_count').notNull().default(0),
  logBytes: integer('log_bytes').notNull().default(0),
  logsTruncated: boolean('logs_truncated').notNull().default(false),
  createdAt: createdAt(),
  startedAt: timestampColumn('started_at'),
  completedAt: timestampColumn('completed_at'),
}, (t) => [
  index('executions_org_idx').on(t.orgId, t.id),
  index('executions_deployment_idx').on(t.deploymentId, t.status),
  index('executions_agent_idx').on(t.agentId, t.status),
  index('executions_due_idx').on(t.createdAt).where(sql`${t.status} in ('queued','running')`),
  index('executions_mandate_idx').on(t.mandateId),
  check('executions_status_check', sql`${t.status} in ('queued','awaiting_approval','running','succeeded','failed','timed_out','aborted','rejected')`),
  exactMoney('executions_cost_exact', t.costAmount),
  exactMoney('executions_held_exact', t.heldAmount),
]);

/** An execution's log, numbered from 1. */
export const executionLogs = pgTable('execution_logs', {
  executionId: text('execution_id').notNull().references(() => executions.id),
  seq: integer('seq').notNull(),
  level: text('level').notNull(),
  message: text('message').notNull(),
  at: timestampColumn('at').notNull(),
}, (t) => [primaryKey({ columns: [t.executionId, t.seq] })]);

/** Units a pay_per_use run reported with ctx.charge, keyed by the run's per-call sequence: a retried run never charges a unit twice. */
export const executionCharges = pgTable('execution_charges', {
  executionId: text('execution_id').notNull().references(() => executions.id),
  seq: integer('seq').notNull(),
  units: integer('units').notNull(),
  event: text('event'),
  at: timestampColumn('at').notNull(),
}, (t) => [primaryKey({ columns: [t.executionId, t.seq] }), check('execution_charges_units_positive', sql`${t.units} > 0`)]);

/** The key–value store of a deployment (database_read / database_write). */
export const deploymentKv = pgTable('deployment_kv', {
  deploymentId: text('deployment_id').notNull().references(() => deployments.id),
  key: text('key').notNull(),
  value: jsonb('value').notNull(),
  size: integer('size').notNull(),
  updatedAt: timestampColumn('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.deploymentId, t.key] })]);

/** The files of a deployment (file_storage): the names; the bytes are in the blob store by SHA-256. */
export const deploymentFiles = pgTable('deployment_files', {
  deploymentId: text('deployment_id').notNull().references(() => deployments.id),
  key: text('key').notNull(),
  sha256: text('sha256').notNull(),
  size: integer('size').notNull(),
  updatedAt: timestampColumn('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.deploymentId, t.key] })]);

/**
 * An agent's email to be sent later (`ctx.email.send({…, send_at})`), and the job the worker claims:
 * due rows are leased (`locked_until`) with SKIP LOCKED, sent, and marked; a worker that dies between
 * the send and the mark lets the lease lapse and the message is sent again with the same Message-ID.
 */
export const scheduledEmails = pgTable('scheduled_emails', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  deploymentId: text('deployment_id').notNull().references(() => deployments.id),
  executionId: text('execution_id').notNull(),
  recipients: jsonb('recipients').$type<string[]>().notNull(),
  subject: text('subject').notNull(),
  textBody: text('text_body').notNull(),
  htmlBody: text('html_body'),
  /** The Message-ID header, fixed when scheduled: every attempt sends the same one. */
  messageId: text('message_id').notNull(),
  status: text('status', { enum: ['scheduled', 'sent', 'failed', 'cancelled'] }).notNull(),
  sendAt: timestampColumn('send_at').notNull(),
  nextAttemptAt: timestampColumn('next_attempt_at').notNull(),
  attempts: integer('attempts').notNull().default(0),
  lockedUntil: timestampColumn('locked_until'),
  lastError: text('last_error'),
  createdAt: createdAt(),
  sentAt: timestampColumn('sent_at'),
  cancelledAt: timestampColumn('cancelled_at'),
}, (t) => [
  index('scheduled_emails_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'scheduled'`),
  index('scheduled_emails_deployment_idx').on(t.deploymentId, t.status),
  check('scheduled_emails_status_check', sql`${t.status} in ('scheduled','sent','failed','cancelled')`),
]);

/**
 * The host calls of a run that act on the world once (`ctx.email.send`, `ctx.emit`), each by its API
 * and its number in the run (`seq`, like `execution_charges`): a run retried after a lost worker makes
 * the same calls in the same order, and a call already made is answered from here instead of being
 * made again. `started` is an email send under way or cut short by a crash: the retry sends it again
 * with the same Message-ID, so the receiving side can drop the repeat.
 */
export const executionHostCalls = pgTable('execution_host_calls', {
  executionId: text('execution_id').notNull(),
  api: text('api').notNull(),
  seq: integer('seq').notNull(),
  status: text('status', { enum: ['started', 'done'] }).notNull(),
  /** A value fixed when the call was first made (an email's Message-ID), reused by the retry. */
  reference: text('reference'),
  /** What the call returned to the agent, once it returned. */
  result: jsonb('result').$type<Record<string, unknown>>(),
  createdAt: createdAt(),
}, (t) => [
  primaryKey({ columns: [t.executionId, t.api, t.seq] }),
  check('execution_host_calls_status_check', sql`${t.status} in ('started','done')`),
]);
