import { and, asc, eq } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';
import type { Role } from './principal.ts';

const { memberships, users } = schema;

export async function listMembers(db: Executor, orgId: string) {
  return db
    .select({ userId: memberships.userId, email: users.email, role: memberships.role, createdAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(memberships.createdAt));
}

export async function findMember(db: Executor, orgId: string, userId: string, forUpdate = false) {
  const q = db
    .select({ userId: memberships.userId, email: users.email, role: memberships.role, createdAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  const [row] = forUpdate ? await q.for('update', { of: memberships }) : await q;
  return row ?? null;
}

export async function insertMember(db: Executor, user: { id: string; email: string; passwordHash: string }, orgId: string, role: Role, now: Date) {
  await db.insert(users).values({ ...user, createdAt: now });
  await db.insert(memberships).values({ orgId, userId: user.id, role, createdAt: now });
}

/** A membership for a user who already has an account (in another organization). */
export async function insertMembership(db: Executor, orgId: string, userId: string, role: Role, now: Date) {
  await db.insert(memberships).values({ orgId, userId, role, createdAt: now });
}

export async function setMemberRole(db: Executor, orgId: string, userId: string, role: Role) {
  await db.update(memberships).set({ role }).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
}

export async function deleteMember(db: Executor, orgId: string, userId: string) {
  await db.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
}

/** Locks every owner membership of the org, so two demotions cannot both pass the last-owner check. */
export async function lockOwners(db: Executor, orgId: string) {
  return db.select({ userId: memberships.userId }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.role, 'owner'))).for('update');
}
