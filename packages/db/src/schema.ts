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
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const money = (name: string) => bigint(name, { mode: 'number' });

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
  type: text('type', { enum: ['agent_wallet', 'vendor_payable', 'test_funding'] }).notNull(),
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
  check('ledger_accounts_currency_check', sql`${t.currency} ~ '^[A-Z]{3}$'`),
]);

export const transfers = pgTable('transfers', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organizations.id),
  kind: text('kind', { enum: ['top_up', 'payment'] }).notNull(),
  reference: text('reference').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('transfers_kind_reference_key').on(t.kind, t.reference)]);

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
  createdAt: createdAt(),
  settledAt: timestamp('settled_at', { withTimezone: true, mode: 'date' }),
}, (t) => [
  uniqueIndex('payments_mandate_key').on(t.mandateId),
  index('payments_org_idx').on(t.orgId, t.id),
  index('payments_policy_day_idx').on(t.policyId, t.createdAt),
  check('payments_amount_positive', sql`${t.amount} > 0`),
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
