import { DomainError, INTENT_TRANSITIONS, invalidField, notFound, type IntentTransition, type RiskTier } from '@frameos/domain';
import type { Executor } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { toPage } from '../../lib/pagination.ts';
import { agentScope, canSeeAgentAccount, assertCanWrite } from '../auth/principal.ts';
import { getVisibleAgentAccount } from '../agent-accounts/agent-accounts.service.ts';
import { requireVendor } from '../vendors/vendors.service.ts';
import { applyIntentTransition, findIntent, findIntentWithRiskTier, insertIntentIfReferencesExist, listIntents, type IntentRow } from './intents.repo.ts';

export type { IntentRow } from './intents.repo.ts';

export function intentDto(row: IntentRow) {
  return {
    object: 'purchase_intent' as const,
    intent_id: row.id,
    id: row.id,
    agent_account_id: row.agentAccountId,
    vendor: row.vendor,
    amount: row.amount,
    currency: row.currency,
    description: row.description,
    metadata: row.metadata,
    status: row.status,
    created_at: row.createdAt.toISOString(),
  };
}

export interface CreateIntentInput {
  vendor: string;
  amount: number;
  currency: string;
  description?: string | undefined;
  metadata?: Record<string, string> | undefined;
  agent_account_id?: string | undefined;
}

export async function createIntent(ctx: RequestContext, input: CreateIntentInput) {
  return inTransaction(ctx, async (tx) => intentDto(await openIntent(tx, ctx, input)));
}

/** Creates a purchase intent in the caller's transaction (POST /intents, and a marketplace execution's price). */
export async function openIntent(tx: Executor, ctx: RequestContext, input: CreateIntentInput): Promise<IntentRow> {
  assertCanWrite(ctx.principal);
  const scope = agentScope(ctx.principal);
  if (scope && input.agent_account_id && input.agent_account_id !== scope) {
    throw invalidField('body.agent_account_id', 'an agent key can only create intents for its own agent account');
  }
  const agentAccountId = scope ?? input.agent_account_id;
  if (!agentAccountId) throw invalidField('body.agent_account_id', 'required unless an agent key makes the request');
  const row: IntentRow = {
    id: newId('intent'),
    orgId: ctx.principal.orgId,
    agentAccountId,
    vendor: input.vendor,
    amount: input.amount,
    currency: input.currency,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    status: 'requires_mandate',
    createdAt: ctx.now,
  };
  if (!(await insertIntentIfReferencesExist(tx, row))) {
    await getVisibleAgentAccount(tx, ctx, agentAccountId);
    await requireVendor(tx, ctx.principal.orgId, input.vendor);
    throw new Error('purchase intent not inserted although its references exist');
  }
  return row;
}

/** Loads an intent the caller may see, optionally locking it for a state change. */
export async function loadIntent(db: Executor, ctx: RequestContext, id: string, forUpdate = false): Promise<IntentRow> {
  const row = await findIntent(db, ctx.principal.orgId, id, forUpdate);
  if (!row || !canSeeAgentAccount(ctx.principal, row.agentAccountId)) throw notFound('Purchase intent', id);
  return row;
}

/** Locks an intent the caller may see, with the risk tier of the agent account that made it. */
export async function lockIntentForMandate(db: Executor, ctx: RequestContext, id: string): Promise<{ intent: IntentRow; riskTier: RiskTier }> {
  const found = await findIntentWithRiskTier(db, ctx.principal.orgId, id);
  if (!found || !canSeeAgentAccount(ctx.principal, found.intent.agentAccountId)) throw notFound('Purchase intent', id);
  return found;
}

/** Applies a named transition of the intent state machine (INTENT_TRANSITIONS); refuses one its state does not allow. */
export async function moveIntent(db: Executor, id: string, transition: IntentTransition): Promise<void> {
  if (!(await applyIntentTransition(db, id, transition))) {
    throw new DomainError('invalid_transition', `Purchase intent ${id} cannot ${transition}: it is not ${INTENT_TRANSITIONS[transition].from.join(' or ')}.`);
  }
}

export async function getIntent(ctx: RequestContext, id: string) {
  return intentDto(await loadIntent(ctx.db, ctx, id));
}

export async function listIntentsPage(ctx: RequestContext, limit: number, startingAfter?: string, agentAccountId?: string) {
  const rows = await listIntents(ctx.db, ctx.principal.orgId, limit, startingAfter, agentScope(ctx.principal) ?? agentAccountId);
  return toPage(rows, limit, intentDto);
}
