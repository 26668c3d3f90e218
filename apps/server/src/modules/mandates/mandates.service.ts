import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { buildMandateClaims, DomainError, evaluatePolicy, invalidField, nextIntentStatus, nextMandateStatus, notFound, requiresApproval, signMandate, verifyMandate, visibleMandateStatus } from '@frameos/domain';
import type { Executor, Tx } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { toPage } from '../../lib/pagination.ts';
import { agentScope, canSeeAgentAccount, assertCanApprove, assertCanWrite, principalLabel } from '../auth/principal.ts';
import { lockIntentForMandate, moveIntent } from '../intents/intents.service.ts';
import { loadPolicy } from '../policies/policies.service.ts';
import { policyDaySpend } from '../spend/spend.service.ts';
import { hasPublishedKid, publicSigningKeys } from '../signing-keys/signing-keys.service.ts';
import { findMandate, findMandateById, listMandates, recordIssuedMandate, updateMandate, type MandateRow, type VisibleStatusFilter } from './mandates.repo.ts';
import { storedResponseFor } from '../idempotency/idempotency.sql.ts';
import { retryingTransaction } from '../../lib/transaction.ts';
import { enqueueEvent } from '../webhooks/events.sql.ts';

export type { MandateRow } from './mandates.repo.ts';

export const DEFAULT_MANDATE_TTL_SECONDS = 900;

export function mandateDto(row: MandateRow, now: Date) {
  return {
    object: 'mandate' as const,
    mandate_id: row.id,
    id: row.id,
    status: visibleMandateStatus(row, now),
    mandate: row.jws,
    intent_id: row.intentId,
    agent_account_id: row.agentAccountId,
    policy_id: row.policyId,
    policy_version: row.policyVersion,
    vendor: row.vendor,
    amount: row.amount,
    currency: row.currency,
    issued_at: row.issuedAt.toISOString(),
    expires_at: row.expiresAt.toISOString(),
    decided_at: row.decidedAt?.toISOString() ?? null,
    used_at: row.usedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

function throwViolation(violation: { reason: string; message: string }): never {
  throw new DomainError('policy_violation', violation.message, { reason: violation.reason });
}

export interface CreateMandateInput {
  intent_id: string;
  policy_id: string;
  ttl_seconds?: number | undefined;
}

export async function createMandate(ctx: RequestContext, input: CreateMandateInput) {
  // Not inTransaction: the issuing statement stores the answer itself (one round trip fewer).
  return retryingTransaction(ctx.db, async (tx) => (await issueMandate(tx, ctx, input, true)).response);
}

/**
 * Checks the intent against its policy and issues the signed mandate, active or waiting for a
 * person, in the caller's transaction. `answers`: whether this is the request's answer (POST
 * /mandates) or one step of a larger use case that stores its own.
 */
export async function issueMandate(tx: Tx, ctx: RequestContext, input: CreateMandateInput, answers: boolean): Promise<{ row: MandateRow; response: ReturnType<typeof mandateDto> }> {
  assertCanWrite(ctx.principal);
  const { intent, riskTier } = await lockIntentForMandate(tx, ctx, input.intent_id);
  // Both transitions leave requires_mandate; which one applies is known once the policy is read.
  nextIntentStatus(intent.status, 'mandate');
  const policy = await loadPolicy(tx, ctx, input.policy_id);
  if (policy.row.agentAccountId !== intent.agentAccountId) {
    throw invalidField('body.policy_id', 'the policy belongs to another agent account');
  }
  const spentToday = await policyDaySpend(tx, policy.row.id, policy.rules, ctx.now);
  const verdict = evaluatePolicy(policy.rules, { vendor: intent.vendor, amount: intent.amount, currency: intent.currency, at: ctx.now, ip: ctx.ip, spentToday });
  if (!verdict.ok) throwViolation(verdict);

  const needsHuman = requiresApproval(riskTier, intent.amount, policy.rules);
  const id = newId('mandate');
  const nonce = randomBytes(16).toString('base64url');
  const claims = buildMandateClaims({
    mandate_id: id,
    intent_id: intent.id,
    agent_account_id: intent.agentAccountId,
    org_id: intent.orgId,
    vendor: intent.vendor,
    amount: intent.amount,
    currency: intent.currency,
    policy_id: policy.row.id,
    policy_version: policy.row.currentVersion,
    issuedAt: ctx.now,
    ttlSeconds: input.ttl_seconds ?? DEFAULT_MANDATE_TTL_SECONDS,
    nonce,
  });
  const jws = await signMandate(claims, ctx.app.signingKey);
  const row: MandateRow = {
    id,
    orgId: intent.orgId,
    intentId: intent.id,
    agentAccountId: intent.agentAccountId,
    policyId: policy.row.id,
    policyVersion: policy.row.currentVersion,
    vendor: intent.vendor,
    amount: intent.amount,
    currency: intent.currency,
    status: needsHuman ? 'pending_approval' : 'active',
    jws,
    nonce,
    issuedAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
    decidedBy: null,
    decidedAt: null,
    usedAt: null,
    createdAt: ctx.now,
  };
  const response = mandateDto(row, ctx.now);
  await recordIssuedMandate(tx, row, needsHuman ? 'await_approval' : 'mandate', answers ? storedResponseFor(ctx, response) : null);
  // Approvers learn about it right away; the event commits with the mandate.
  if (needsHuman) await enqueueEvent(tx, { id: newId('event'), orgId: row.orgId, type: 'mandate.pending_approval', data: response, at: ctx.now });
  return { row, response };
}

/** The visible status (expiry included) of each of these mandates, for use cases waiting on a person's decision. */
export async function mandateStatuses(db: Executor, ids: string[], now: Date): Promise<Map<string, ReturnType<typeof visibleMandateStatus>>> {
  const statuses = new Map<string, ReturnType<typeof visibleMandateStatus>>();
  for (const id of ids) {
    const row = await findMandateById(db, id);
    if (row) statuses.set(id, visibleMandateStatus(row, now));
  }
  return statuses;
}

export async function loadMandate(db: Executor, ctx: RequestContext, id: string, forUpdate = false): Promise<MandateRow> {
  const row = await findMandate(db, ctx.principal.orgId, id, forUpdate);
  if (!row || !canSeeAgentAccount(ctx.principal, row.agentAccountId)) throw notFound('Mandate', id);
  return row;
}

/** Defence in depth: the stored JWS must still verify and say what the row says. */
export type SignedMandateFields = Pick<MandateRow, 'id' | 'jws' | 'intentId' | 'agentAccountId' | 'orgId' | 'vendor' | 'amount' | 'currency' | 'policyId' | 'policyVersion' | 'nonce' | 'issuedAt' | 'expiresAt'>;

export async function assertMandateSignature(db: Executor, ctx: RequestContext, row: SignedMandateFields): Promise<void> {
  const kid = decodeProtectedHeader(row.jws).kid;
  if (!kid || !(await hasPublishedKid(ctx.app, db, kid))) throw new DomainError('mandate_invalid', 'The mandate was signed by an unknown key.');
  // Expiry is judged by the caller with a precise error; here only integrity counts.
  const claims = await verifyMandate(row.jws, await publicSigningKeys(ctx.app, db), new Date(row.issuedAt.getTime()));
  const signed: Record<string, unknown> = { ...claims };
  const stored: Record<string, unknown> = {
    mandate_id: row.id, intent_id: row.intentId, agent_account_id: row.agentAccountId, org_id: row.orgId, vendor: row.vendor, amount: row.amount,
    currency: row.currency, policy_id: row.policyId, policy_version: row.policyVersion, nonce: row.nonce, exp: Math.floor(row.expiresAt.getTime() / 1000),
  };
  if (Object.entries(stored).some(([field, value]) => signed[field] !== value)) {
    throw new DomainError('mandate_invalid', 'The mandate does not match its signed claims.');
  }
}

async function decide(ctx: RequestContext, id: string, decision: 'approve' | 'reject') {
  assertCanApprove(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    const row = await loadMandate(tx, ctx, id, true);
    const status = nextMandateStatus(row, decision, ctx.now);
    await updateMandate(tx, id, { status, decidedBy: principalLabel(ctx.principal), decidedAt: ctx.now });
    await moveIntent(tx, row.intentId, decision);
    const decided = mandateDto((await findMandate(tx, ctx.principal.orgId, id))!, ctx.now);
    if (decision === 'approve') await enqueueEvent(tx, { id: newId('event'), orgId: row.orgId, type: 'mandate.approved', data: decided, at: ctx.now });
    return decided;
  });
}

/**
 * The named transition `release`: the payment that used the mandate failed with nothing charged, so
 * the mandate may pay again (until it expires). The caller holds the payment's lock.
 */
export async function releaseMandate(tx: Executor, mandateId: string, now: Date): Promise<void> {
  const row = await findMandateById(tx, mandateId, true);
  if (!row) throw new Error(`mandate ${mandateId} vanished while its payment was locked`);
  await updateMandate(tx, mandateId, { status: nextMandateStatus(row, 'release', now), usedAt: null });
}

export const approveMandate = (ctx: RequestContext, id: string) => decide(ctx, id, 'approve');
export const rejectMandate = (ctx: RequestContext, id: string) => decide(ctx, id, 'reject');

export async function getMandate(ctx: RequestContext, id: string) {
  return mandateDto(await loadMandate(ctx.db, ctx, id), ctx.now);
}

export async function listMandatesPage(ctx: RequestContext, limit: number, startingAfter?: string, agentAccountId?: string, status?: VisibleStatusFilter['status']) {
  const rows = await listMandates(ctx.db, ctx.principal.orgId, limit, startingAfter, agentScope(ctx.principal) ?? agentAccountId, status ? { status, now: ctx.now } : undefined);
  return toPage(rows, limit, (r) => mandateDto(r, ctx.now));
}
