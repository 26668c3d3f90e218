import { and, desc, eq, lt } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { policies, policyVersions } = schema;

export type PolicyRow = typeof policies.$inferSelect;

export async function insertPolicy(db: Executor, row: typeof policies.$inferInsert, rules: Record<string, unknown>) {
  await db.insert(policies).values(row);
  await db.insert(policyVersions).values({ policyId: row.id, version: row.currentVersion, rules, createdAt: row.createdAt });
}

export async function findPolicyWithRules(db: Executor, orgId: string, id: string, forUpdate = false) {
  const base = db
    .select({ policy: policies, rules: policyVersions.rules })
    .from(policies)
    .innerJoin(policyVersions, and(eq(policyVersions.policyId, policies.id), eq(policyVersions.version, policies.currentVersion)))
    .where(and(eq(policies.orgId, orgId), eq(policies.id, id)));
  const [row] = forUpdate ? await base.for('update', { of: policies }) : await base;
  return row ?? null;
}

export async function insertPolicyVersion(db: Executor, policyId: string, version: number, name: string, rules: Record<string, unknown>, now: Date) {
  await db.insert(policyVersions).values({ policyId, version, rules, createdAt: now });
  await db.update(policies).set({ currentVersion: version, name, updatedAt: now }).where(eq(policies.id, policyId));
}

export async function listPolicies(db: Executor, orgId: string, limit: number, startingAfter?: string, agentAccountId?: string) {
  const conditions = [eq(policies.orgId, orgId)];
  if (startingAfter) conditions.push(lt(policies.id, startingAfter));
  if (agentAccountId) conditions.push(eq(policies.agentAccountId, agentAccountId));
  return db
    .select({ policy: policies, rules: policyVersions.rules })
    .from(policies)
    .innerJoin(policyVersions, and(eq(policyVersions.policyId, policies.id), eq(policyVersions.version, policies.currentVersion)))
    .where(and(...conditions))
    .orderBy(desc(policies.id))
    .limit(limit + 1);
}

