import { and, desc, eq, lt } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { agentAccounts } = schema;

export type AgentAccountRow = typeof agentAccounts.$inferSelect;

export async function insertAgentAccount(db: Executor, row: typeof agentAccounts.$inferInsert) {
  await db.insert(agentAccounts).values(row);
}

export async function findAgentAccount(db: Executor, orgId: string, id: string): Promise<AgentAccountRow | null> {
  const [row] = await db.select().from(agentAccounts).where(and(eq(agentAccounts.orgId, orgId), eq(agentAccounts.id, id)));
  return row ?? null;
}

export async function listAgentAccounts(db: Executor, orgId: string, limit: number, startingAfter?: string) {
  const where = startingAfter ? and(eq(agentAccounts.orgId, orgId), lt(agentAccounts.id, startingAfter)) : eq(agentAccounts.orgId, orgId);
  return db.select().from(agentAccounts).where(where).orderBy(desc(agentAccounts.id)).limit(limit + 1);
}
