import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';
import { exactInteger } from '../../lib/sql-values.ts';

const { payments } = schema;

/** Sum of settled and in-flight payments made under a policy in [start, end). Failed ones do not count. */
export async function sumPolicySpend(db: Executor, policyId: string, start: Date, end: Date): Promise<number> {
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${payments.amount}), 0)` })
    .from(payments)
    .where(and(eq(payments.policyId, policyId), inArray(payments.status, ['pending', 'settled']), gte(payments.createdAt, start), lt(payments.createdAt, end)));
  return exactInteger(row?.total ?? 0);
}
