import { invalidFieldFromIssues } from '@frameos/domain';
import { railNotConfigured } from '../rails/rail-errors.ts';
import type { Executor } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { assertAdmin } from '../auth/principal.ts';
import { findRailAccount, listRailAccounts, upsertRailAccount, type RailAccountRow } from './rail-accounts.repo.ts';
import { RAIL_ACCOUNT_SCHEMAS, type RailWithAccount } from './rail-accounts.schemas.ts';

function railAccountDto(row: RailAccountRow) {
  return { object: 'rail_account' as const, rail: row.rail, settings: row.settings, updated_at: row.updatedAt.toISOString() };
}

/** Saves the org's account at a rail. The body's shape depends on the rail, so it is checked here. */
export async function saveRailAccount(ctx: RequestContext, rail: RailWithAccount, body: unknown) {
  assertAdmin(ctx.principal);
  if (!ctx.app.rails.isConfigured(rail)) throw railNotConfigured(rail);
  const parsed = RAIL_ACCOUNT_SCHEMAS[rail].safeParse(body ?? {});
  if (!parsed.success) throw invalidFieldFromIssues('body', parsed.error.issues);
  const settings = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const row: RailAccountRow = { orgId: ctx.principal.orgId, rail, settings, updatedAt: ctx.now };
  return inTransaction(ctx, async (tx) => {
    await upsertRailAccount(tx, row);
    return railAccountDto(row);
  });
}

export async function listRailAccountsOf(ctx: RequestContext) {
  assertAdmin(ctx.principal);
  const rows = await listRailAccounts(ctx.db, ctx.principal.orgId);
  return { object: 'list' as const, data: rows.map(railAccountDto) };
}

/** The paying org's own account settings at a rail (its Stripe customer, its Cashfree customer), or null before it saved them. */
export async function payerAccountSettings(db: Executor, orgId: string, rail: string): Promise<Record<string, string> | null> {
  return (await findRailAccount(db, orgId, rail))?.settings ?? null;
}
