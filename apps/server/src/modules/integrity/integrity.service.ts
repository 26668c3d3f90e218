import type { Executor } from '@frameos/db';
import type { AppContext, RequestContext } from '../../context.ts';
import { assertAdmin } from '../auth/principal.ts';
import { verifyAllChains } from '../receipts/receipts.service.ts';
import { insertIntegrityCheck, latestIntegrityCheck } from './integrity.repo.ts';

/**
 * The nightly check: verifies every receipt chain and stores the result. A broken chain is an
 * alert — logged at error level, and visible to the affected org at GET /admin/integrity.
 */
export async function runIntegrityCheck(app: AppContext) {
  const results = await verifyAllChains(app.database.db);
  const broken = results.filter((r) => !r.valid).map((r) => ({ agent_account_id: r.agent_account_id, org_id: r.org_id, first_invalid_seq: r.first_invalid_seq }));
  const checkedAt = app.clock();
  await insertIntegrityCheck(app.database.db, { checkedAt, chains: results.length, brokenChains: broken.length, broken });
  if (broken.length > 0) app.log.error({ broken_chains: broken.length, broken }, 'receipt chain integrity check FAILED');
  else app.log.info({ chains: results.length }, 'receipt chain integrity check passed');
  return { checkedAt, chains: results.length, broken };
}

/** The latest check as an org admin sees it: only their own broken chains. */
export async function integrityStatus(ctx: RequestContext) {
  assertAdmin(ctx.principal);
  const latest = await latestIntegrityCheck(ctx.db);
  if (!latest) return { object: 'integrity_check' as const, status: 'not_run' as const, checked_at: null, chains_checked: 0, broken: [] };
  const mine = latest.broken.filter((b) => b.org_id === ctx.principal.orgId).map(({ agent_account_id, first_invalid_seq }) => ({ agent_account_id, first_invalid_seq }));
  return {
    object: 'integrity_check' as const,
    status: mine.length > 0 ? ('broken' as const) : ('ok' as const),
    checked_at: latest.checkedAt.toISOString(),
    chains_checked: latest.chains,
    broken: mine,
  };
}

/** The latest stored check (or null before the first), for the operator's metrics. */
export async function latestCheck(db: Executor) {
  return latestIntegrityCheck(db);
}
