import { and, eq, isNull } from 'drizzle-orm';
import { schema, type Executor } from '@frameos/db';
import type { Role } from './principal.ts';

const { apiKeys, memberships, organizations, users } = schema;

export async function findActiveApiKeyByHash(db: Executor, keyHash: string) {
  const [row] = await db
    .select({ id: apiKeys.id, orgId: apiKeys.orgId, kind: apiKeys.kind, agentAccountId: apiKeys.agentAccountId })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
  return row ?? null;
}

export async function findMembershipRole(db: Executor, userId: string, orgId: string): Promise<Role | null> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.orgId, orgId)));
  return row?.role ?? null;
}

export async function findUserByEmail(db: Executor, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  return row ?? null;
}

export async function findUserEmail(db: Executor, userId: string): Promise<string | null> {
  const [row] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return row?.email ?? null;
}

export async function findFirstMembership(db: Executor, userId: string) {
  const [row] = await db.select().from(memberships).where(eq(memberships.userId, userId)).orderBy(memberships.createdAt).limit(1);
  return row ?? null;
}

/** A new organization, its first user and that user's owner membership. */
export async function insertOrganizationWithOwner(db: Executor, row: { orgId: string; name: string; userId: string; email: string; passwordHash: string; now: Date }) {
  await db.insert(organizations).values({ id: row.orgId, name: row.name, createdAt: row.now });
  await db.insert(users).values({ id: row.userId, email: row.email, passwordHash: row.passwordHash, createdAt: row.now });
  await db.insert(memberships).values({ orgId: row.orgId, userId: row.userId, role: 'owner', createdAt: row.now });
}

export async function insertApiKey(
  db: Executor,
  row: { id: string; orgId: string; kind: 'org' | 'agent'; agentAccountId: string | null; keyHash: string; displayPrefix: string; createdAt: Date },
) {
  await db.insert(apiKeys).values(row);
}

export async function revokeApiKey(db: Executor, orgId: string, keyId: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

export async function listApiKeys(db: Executor, orgId: string) {
  return db
    .select({ id: apiKeys.id, kind: apiKeys.kind, agentAccountId: apiKeys.agentAccountId, displayPrefix: apiKeys.displayPrefix, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.orgId, orgId))
    .orderBy(apiKeys.id);
}

/** The organizations a user belongs to, oldest membership first. */
export async function listUserOrganizations(db: Executor, userId: string) {
  return db
    .select({ orgId: memberships.orgId, name: organizations.name, role: memberships.role, createdAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(memberships.createdAt, memberships.orgId);
}
