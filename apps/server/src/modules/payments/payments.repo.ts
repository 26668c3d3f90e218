import { and, desc, eq, lt } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { payments } = schema;
export type PaymentRow = typeof payments.$inferSelect;

export async function insertPayment(db: Executor, row: typeof payments.$inferInsert) {
  await db.insert(payments).values(row);
}

export async function findPayment(db: Executor, orgId: string, id: string): Promise<PaymentRow | null> {
  const [row] = await db.select().from(payments).where(and(eq(payments.orgId, orgId), eq(payments.id, id)));
  return row ?? null;
}

export async function listPayments(db: Executor, orgId: string, limit: number, startingAfter?: string, agentAccountId?: string) {
  const conditions = [eq(payments.orgId, orgId)];
  if (startingAfter) conditions.push(lt(payments.id, startingAfter));
  if (agentAccountId) conditions.push(eq(payments.agentAccountId, agentAccountId));
  return db.select().from(payments).where(and(...conditions)).orderBy(desc(payments.id)).limit(limit + 1);
}
