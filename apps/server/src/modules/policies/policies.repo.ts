import { and, desc, eq, lt } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';

const { policies, policyVersions } = schema;

export type PolicyRow = typeof policies.$inferSelect;

export async function insertPolicy(db: Executor, row: typeof policies.$inferInsert, rules: Record<string, unknown>) {
  await db.insert(policies).values(row);
  await db.insert(policyVersions).values({ policyId: row.id, version: row.currentVersion, rules, createdAt: row.createdAt });
}

export async function findPolicyWithRules(db: Executor, orgId: string, id: string) {
  const [row] = await db
    .select({ policy: policies, rules: policyVersions.rules })
    .from(policies)
    .innerJoin(policyVersions, and(eq(policyVersions.policyId, policies.id), eq(policyVersions.version, policies.currentVersion)))
    .where(and(eq(policies.orgId, orgId), eq(policies.id, id)));
  return row ?? null;
}

/**
 * Locks the policy row, then reads the rules of its current version in a second statement. One
 * locking statement joined on `version = current_version` would lose the row when a concurrent
 * update moved the version while it waited for the lock (the re-checked row no longer joins).
 */
export async function lockPolicyWithRules(db: Executor, orgId: string, id: string) {
  const [policy] = await db.select().from(policies).where(and(eq(policies.orgId, orgId), eq(policies.id, id))).for('update');
  if (!policy) return null;
  const [version] = await db.select({ rules: policyVersions.rules }).from(policyVersions)
    .where(and(eq(policyVersions.policyId, policy.id), eq(policyVersions.version, policy.currentVersion)));
  return version ? { policy, rules: version.rules } : null;
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


/** Every version of a policy, newest first. */
export async function listPolicyVersions(db: Executor, policyId: string) {
  return db.select().from(policyVersions).where(eq(policyVersions.policyId, policyId)).orderBy(desc(policyVersions.version));
}
