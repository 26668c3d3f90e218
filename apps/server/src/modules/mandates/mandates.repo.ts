import { and, desc, eq, gt, inArray, lt, lte, sql } from 'drizzle-orm';
import { rowsOf } from '../../lib/sql-values.ts';
import { completeIdempotencySql, type StoredResponse } from '../idempotency/idempotency.sql.ts';
import { schema, type Executor } from '@frameos/db';
import type { IntentTransition } from '@frameos/domain';
import { moveIntentSql } from '../intents/intents.sql.ts';

const { mandates } = schema;
export type MandateRow = typeof mandates.$inferSelect;

export async function insertMandate(db: Executor, row: typeof mandates.$inferInsert) {
  await db.insert(mandates).values(row);
}

export async function findMandate(db: Executor, orgId: string, id: string, forUpdate = false): Promise<MandateRow | null> {
  const q = db.select().from(mandates).where(and(eq(mandates.orgId, orgId), eq(mandates.id, id)));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

/** A mandate by id alone, for a caller that already holds a row naming it (its payment). */
export async function findMandateById(db: Executor, id: string, forUpdate = false): Promise<MandateRow | null> {
  const q = db.select().from(mandates).where(eq(mandates.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

export async function updateMandate(db: Executor, id: string, changes: Partial<Pick<MandateRow, 'status' | 'decidedBy' | 'decidedAt' | 'usedAt'>>) {
  await db.update(mandates).set(changes).where(eq(mandates.id, id));
}

/** A status as the API shows it: `active` and `pending_approval` only until `expires_at`, `expired` after. */
export type VisibleStatusFilter = { status: 'active' | 'pending_approval' | 'rejected' | 'used' | 'expired'; now: Date };

export async function listMandates(db: Executor, orgId: string, limit: number, startingAfter?: string, agentAccountId?: string, visible?: VisibleStatusFilter) {
  const conditions = [eq(mandates.orgId, orgId)];
  if (startingAfter) conditions.push(lt(mandates.id, startingAfter));
  if (agentAccountId) conditions.push(eq(mandates.agentAccountId, agentAccountId));
  if (visible) conditions.push(visibleStatusCondition(visible));
  return db.select().from(mandates).where(and(...conditions)).orderBy(desc(mandates.id)).limit(limit + 1);
}

/**
 * Issues a mandate in one statement (a hot path, see docs/benchmarks.md): the mandate, its intent's
 * new status and the stored idempotent response. Checks what it wrote; anything else aborts.
 */
export async function recordIssuedMandate(db: Executor, row: MandateRow, intentTransition: IntentTransition, response: StoredResponse | null) {
  const result = await db.execute(sql`
    with mandate as (
      insert into mandates (id, org_id, intent_id, agent_account_id, policy_id, policy_version, vendor, amount, currency, status, jws, nonce, issued_at, expires_at, created_at)
      values (${row.id}, ${row.orgId}, ${row.intentId}, ${row.agentAccountId}, ${row.policyId}, ${row.policyVersion}, ${row.vendor}, ${row.amount}::bigint, ${row.currency},
              ${row.status}, ${row.jws}, ${row.nonce}, ${row.issuedAt}, ${row.expiresAt}, ${row.createdAt})
      returning 1
    ), intent as (
      ${moveIntentSql(row.intentId, intentTransition)}
    ), idempotency as (
      ${completeIdempotencySql(response)}
    )
    select (select count(*) from mandate) as mandates, (select count(*) from intent) as intents, (select count(*) from idempotency) as responses`);
  const [r] = rowsOf(result);
  if (Number(r?.mandates) !== 1 || Number(r?.intents) !== 1 || Number(r?.responses) !== (response ? 1 : 0)) {
    throw new Error(`issuing the mandate wrote an unexpected shape: ${JSON.stringify(r)}`);
  }
}

function visibleStatusCondition({ status, now }: VisibleStatusFilter) {
  switch (status) {
    case 'active':
    case 'pending_approval':
      return and(eq(mandates.status, status), gt(mandates.expiresAt, now))!;
    case 'expired':
      return and(inArray(mandates.status, ['active', 'pending_approval']), lte(mandates.expiresAt, now))!;
    default:
      return eq(mandates.status, status);
  }
}
