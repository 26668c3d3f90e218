import { and, desc, eq, lt } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

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

export async function updateMandate(db: Executor, id: string, changes: Partial<Pick<MandateRow, 'status' | 'decidedBy' | 'decidedAt' | 'usedAt'>>) {
  await db.update(mandates).set(changes).where(eq(mandates.id, id));
}

export async function listMandates(db: Executor, orgId: string, limit: number, startingAfter?: string, agentAccountId?: string) {
  const conditions = [eq(mandates.orgId, orgId)];
  if (startingAfter) conditions.push(lt(mandates.id, startingAfter));
  if (agentAccountId) conditions.push(eq(mandates.agentAccountId, agentAccountId));
  return db.select().from(mandates).where(and(...conditions)).orderBy(desc(mandates.id)).limit(limit + 1);
}
