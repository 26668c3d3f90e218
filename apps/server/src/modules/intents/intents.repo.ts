import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { IntentTransition } from '@frameos/domain';
import { moveIntentSql } from './intents.sql.ts';
import { rowsOf } from '../../lib/sql-values.ts';
import { schema, type Executor } from '@frameos/db';

const { purchaseIntents, agentAccounts } = schema;
export type IntentRow = typeof purchaseIntents.$inferSelect;
export type IntentStatus = IntentRow['status'];

export async function insertIntent(db: Executor, row: typeof purchaseIntents.$inferInsert) {
  await db.insert(purchaseIntents).values(row);
}

export async function findIntent(db: Executor, orgId: string, id: string, forUpdate = false): Promise<IntentRow | null> {
  const q = db.select().from(purchaseIntents).where(and(eq(purchaseIntents.orgId, orgId), eq(purchaseIntents.id, id)));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

/** Applies a named intent transition, guarded by its `from` states; false when the intent was in none of them. */
export async function applyIntentTransition(db: Executor, id: string, transition: IntentTransition): Promise<boolean> {
  return rowsOf(await db.execute(sql`with moved as (${moveIntentSql(id, transition)}) select 1 from moved`)).length === 1;
}

export async function listIntents(db: Executor, orgId: string, limit: number, startingAfter?: string, agentAccountId?: string) {
  const conditions = [eq(purchaseIntents.orgId, orgId)];
  if (startingAfter) conditions.push(lt(purchaseIntents.id, startingAfter));
  if (agentAccountId) conditions.push(eq(purchaseIntents.agentAccountId, agentAccountId));
  return db.select().from(purchaseIntents).where(and(...conditions)).orderBy(desc(purchaseIntents.id)).limit(limit + 1);
}

/**
 * Inserts the intent only if its agent account and vendor exist in the org, in one round trip
 * (a hot path: see docs/benchmarks.md). False when either is missing; the caller says which.
 */
export async function insertIntentIfReferencesExist(db: Executor, row: IntentRow): Promise<boolean> {
  const result = await db.execute(sql`
    insert into purchase_intents (id, org_id, agent_account_id, vendor, amount, currency, description, metadata, status, created_at)
    select ${row.id}, ${row.orgId}, ${row.agentAccountId}, ${row.vendor}, ${row.amount}::bigint, ${row.currency}, ${row.description},
           ${JSON.stringify(row.metadata)}::jsonb, ${row.status}, ${row.createdAt}
    where exists (select 1 from agent_accounts where id = ${row.agentAccountId} and org_id = ${row.orgId})
      and exists (select 1 from vendors where org_id = ${row.orgId} and vendor_id = ${row.vendor})
    returning id`);
  return rowsOf(result).length === 1;
}

/** Locks an intent for a state change and reads its agent's risk tier in the same round trip. */
export async function findIntentWithRiskTier(db: Executor, orgId: string, id: string) {
  const [row] = await db
    .select({ intent: purchaseIntents, riskTier: agentAccounts.riskTier })
    .from(purchaseIntents)
    .innerJoin(agentAccounts, eq(agentAccounts.id, purchaseIntents.agentAccountId))
    .where(and(eq(purchaseIntents.orgId, orgId), eq(purchaseIntents.id, id)))
    .for('update', { of: purchaseIntents });
  return row ?? null;
}
