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

/** Per currency: sum and count of an org's settled and in-flight payments in [start, end), optionally of one agent account. */
export async function sumOrgSpendByCurrency(db: Executor, orgId: string, start: Date, end: Date, agentAccountId?: string) {
  const rows = await db
    .select({ currency: payments.currency, total: sql<string>`coalesce(sum(${payments.amount}), 0)`, count: sql<string>`count(*)` })
    .from(payments)
    .where(and(
      eq(payments.orgId, orgId),
      inArray(payments.status, ['pending', 'settled']),
      gte(payments.createdAt, start),
      lt(payments.createdAt, end),
      agentAccountId ? eq(payments.agentAccountId, agentAccountId) : undefined,
    ))
    .groupBy(payments.currency)
    .orderBy(payments.currency);
  return rows.map((row) => ({ currency: row.currency, amount: exactInteger(row.total), payments: exactInteger(row.count) }));
}
