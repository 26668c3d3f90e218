import { DomainError, notFound, type RiskTier } from '@frameos/domain';
import type { Executor } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { toPage } from '../../lib/pagination.ts';
import { issueApiKey } from '../auth/auth.service.ts';
import { openReceiptChain } from '../receipts/receipts.service.ts';
import { agentScope, canSeeAgentAccount, assertAdmin } from '../auth/principal.ts';
import { balancesByOwner, balancesOf, ensureLedgerAccount, postTransfer } from '../ledger/ledger.service.ts';
import { findAgentAccount, insertAgentAccount, listAgentAccounts, type AgentAccountRow } from './agent-accounts.repo.ts';

function toDto(row: AgentAccountRow, balances: { currency: string; balance: number }[]) {
  return {
    object: 'agent_account' as const,
    agent_account_id: row.id,
    id: row.id,
    org_id: row.orgId,
    name: row.name,
    risk_tier: row.riskTier,
    wallet: { balances },
    created_at: row.createdAt.toISOString(),
  };
}

/** Loads an agent account the caller may see: another org's (or, for an agent key, another agent's) is a 404. */
export async function getVisibleAgentAccount(db: Executor, ctx: RequestContext, id: string): Promise<AgentAccountRow> {
  const row = canSeeAgentAccount(ctx.principal, id) ? await findAgentAccount(db, ctx.principal.orgId, id) : null;
  if (!row) throw notFound('Agent account', id);
  return row;
}

export async function createAgentAccount(ctx: RequestContext, input: { name: string; risk_tier: RiskTier }) {
  assertAdmin(ctx.principal);
  const id = newId('agent_account');
  return inTransaction(ctx, async (tx) => {
    await insertAgentAccount(tx, { id, orgId: ctx.principal.orgId, name: input.name, riskTier: input.risk_tier, createdAt: ctx.now });
    // Every agent account owns exactly one receipt chain, born empty.
    await openReceiptChain(tx, { orgId: ctx.principal.orgId, agentAccountId: id });
    const key = await issueApiKey(tx, { orgId: ctx.principal.orgId, agentAccountId: id, now: ctx.now });
    const row = await findAgentAccount(tx, ctx.principal.orgId, id);
    return { ...toDto(row!, []), api_key: key.secret };
  });
}

export async function getAgentAccount(ctx: RequestContext, id: string) {
  const row = await getVisibleAgentAccount(ctx.db, ctx, id);
  return toDto(row, await balancesOf(ctx.db, row.orgId, 'agent_wallet', row.id));
}

export async function listAgentAccountsPage(ctx: RequestContext, limit: number, startingAfter?: string) {
  const scope = agentScope(ctx.principal);
  if (scope) {
    const row = await getVisibleAgentAccount(ctx.db, ctx, scope);
    return { object: 'list' as const, data: [toDto(row, await balancesOf(ctx.db, row.orgId, 'agent_wallet', row.id))], has_more: false, next_cursor: null };
  }
  const rows = await listAgentAccounts(ctx.db, ctx.principal.orgId, limit, startingAfter);
  const page = toPage(rows, limit, (r) => r);
  const balances = await balancesByOwner(ctx.db, ctx.principal.orgId, 'agent_wallet', page.data.map((r) => r.id));
  return { ...page, data: page.data.map((r) => toDto(r, balances.get(r.id) ?? [])) };
}

export async function createAgentApiKey(ctx: RequestContext, agentAccountId: string) {
  assertAdmin(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    await getVisibleAgentAccount(tx, ctx, agentAccountId);
    const key = await issueApiKey(tx, { orgId: ctx.principal.orgId, agentAccountId, now: ctx.now });
    return { api_key_id: key.id, kind: 'agent' as const, agent_account_id: agentAccountId, api_key: key.secret, prefix: key.prefix };
  });
}

/** Test-mode funding: money enters from the org's test funding account, as a balanced transfer. */
export async function topUpWallet(ctx: RequestContext, agentAccountId: string, input: { amount: number; currency: string }) {
  assertAdmin(ctx.principal);
  if (ctx.app.config.env === 'production') throw new DomainError('top_ups_disabled', 'Test-mode top-ups are disabled in production.');
  return inTransaction(ctx, async (tx) => {
    const agent = await getVisibleAgentAccount(tx, ctx, agentAccountId);
    const wallet = await ensureLedgerAccount(tx, { orgId: agent.orgId, type: 'agent_wallet', ownerRef: agent.id, currency: input.currency }, ctx.now);
    const funding = await ensureLedgerAccount(tx, { orgId: agent.orgId, type: 'test_funding', ownerRef: agent.orgId, currency: input.currency }, ctx.now);
    const transferId = await postTransfer(tx, {
      orgId: agent.orgId,
      kind: 'top_up',
      reference: newId('transfer'),
      from: funding,
      to: wallet,
      money: { amount: input.amount, currency: input.currency },
      now: ctx.now,
    });
    const balances = await balancesOf(tx, agent.orgId, 'agent_wallet', agent.id);
    const balance = balances.find((b) => b.currency === input.currency)?.balance ?? 0;
    return { object: 'top_up' as const, transfer_id: transferId, agent_account_id: agent.id, amount: input.amount, currency: input.currency, balance };
  });
}
