import { and, desc, eq, lt } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { purchaseIntents } = schema;
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

export async function setIntentStatus(db: Executor, id: string, status: IntentStatus) {
  await db.update(purchaseIntents).set({ status }).where(eq(purchaseIntents.id, id));
}

export async function listIntents(db: Executor, orgId: string, limit: number, startingAfter?: string, agentAccountId?: string) {
  const conditions = [eq(purchaseIntents.orgId, orgId)];
  if (startingAfter) conditions.push(lt(purchaseIntents.id, startingAfter));
  if (agentAccountId) conditions.push(eq(purchaseIntents.agentAccountId, agentAccountId));
  return db.select().from(purchaseIntents).where(and(...conditions)).orderBy(desc(purchaseIntents.id)).limit(limit + 1);
}
