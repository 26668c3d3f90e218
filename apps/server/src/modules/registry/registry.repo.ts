import { and, asc, desc, eq, exists, gt, inArray, isNotNull, sql } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';
import type { AdminListStatus, VersionStatus } from './registry.schemas.ts';

const { developers, agents, agentVersions } = schema;

export type DeveloperRow = typeof developers.$inferSelect;
export type AgentRow = typeof agents.$inferSelect;
export type AgentVersionRow = typeof agentVersions.$inferSelect;

export async function insertDeveloper(db: Executor, row: typeof developers.$inferInsert): Promise<void> {
  await db.insert(developers).values(row);
}

export async function findDeveloperByOrg(db: Executor, orgId: string): Promise<DeveloperRow | null> {
  const [row] = await db.select().from(developers).where(eq(developers.orgId, orgId));
  return row ?? null;
}

export async function findDevelopers(db: Executor, ids: string[]): Promise<DeveloperRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(developers).where(inArray(developers.id, ids));
}

export async function findAgent(db: Executor, agentId: string, forUpdate = false): Promise<AgentRow | null> {
  const query = db.select().from(agents).where(eq(agents.id, agentId));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

/** Inserts the agent unless its id exists (whoever owns it); true when this call created it. */
export async function insertAgentIfAbsent(db: Executor, row: typeof agents.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(agents).values(row).onConflictDoNothing({ target: agents.id }).returning({ id: agents.id });
  return inserted.length === 1;
}

export async function updateAgent(db: Executor, agentId: string, changes: Partial<typeof agents.$inferInsert>): Promise<AgentRow | null> {
  const [row] = await db.update(agents).set(changes).where(eq(agents.id, agentId)).returning();
  return row ?? null;
}

export async function insertAgentVersion(db: Executor, row: typeof agentVersions.$inferInsert): Promise<AgentVersionRow> {
  const [inserted] = await db.insert(agentVersions).values(row).returning();
  return inserted!;
}

/** Every version of an agent, newest semver first. */
export async function listAgentVersions(db: Executor, agentId: string): Promise<AgentVersionRow[]> {
  return db
    .select()
    .from(agentVersions)
    .where(eq(agentVersions.agentId, agentId))
    .orderBy(desc(agentVersions.major), desc(agentVersions.minor), desc(agentVersions.patch));
}

export async function findAgentVersion(db: Executor, agentId: string, version: string): Promise<AgentVersionRow | null> {
  const [row] = await db.select().from(agentVersions).where(and(eq(agentVersions.agentId, agentId), eq(agentVersions.version, version)));
  return row ?? null;
}

/** A review decision, applied only while the version is still pending (false when it no longer is). */
export async function reviewAgentVersion(
  db: Executor,
  agentId: string,
  version: string,
  review: { status: Exclude<VersionStatus, 'pending_review'>; reason: string | null; reviewedBy: string; reviewedAt: Date },
): Promise<AgentVersionRow | null> {
  const [row] = await db
    .update(agentVersions)
    .set({ status: review.status, reviewReason: review.reason, reviewedBy: review.reviewedBy, reviewedAt: review.reviewedAt })
    .where(and(eq(agentVersions.agentId, agentId), eq(agentVersions.version, version), eq(agentVersions.status, 'pending_review')))
    .returning();
  return row ?? null;
}

/** The review queue and its neighbours: agents with a version in `status` (or suspended ones), by agent id. */
export async function listAgentsForAdmin(db: Executor, status: AdminListStatus, limit: number, startingAfter?: string): Promise<AgentRow[]> {
  const filter =
    status === 'suspended'
      ? isNotNull(agents.suspendedAt)
      : exists(db.select({ one: sql`1` }).from(agentVersions).where(and(eq(agentVersions.agentId, agents.id), eq(agentVersions.status, status))));
  const where = startingAfter ? and(filter, gt(agents.id, startingAfter)) : filter;
  return db.select().from(agents).where(where).orderBy(asc(agents.id)).limit(limit + 1);
}

/** A developer's own agents, whatever their review status, by agent id. */
export async function listAgentsOfDeveloper(db: Executor, developerId: string, limit: number, startingAfter?: string): Promise<AgentRow[]> {
  const where = startingAfter ? and(eq(agents.developerId, developerId), gt(agents.id, startingAfter)) : eq(agents.developerId, developerId);
  return db.select().from(agents).where(where).orderBy(asc(agents.id)).limit(limit + 1);
}

/** The versions of these agents (in `status` when given), newest semver first. */
export async function listVersionsOf(db: Executor, agentIds: string[], status?: VersionStatus): Promise<AgentVersionRow[]> {
  if (agentIds.length === 0) return [];
  const where = status ? and(inArray(agentVersions.agentId, agentIds), eq(agentVersions.status, status)) : inArray(agentVersions.agentId, agentIds);
  return db.select().from(agentVersions).where(where).orderBy(asc(agentVersions.agentId), desc(agentVersions.major), desc(agentVersions.minor), desc(agentVersions.patch));
}
