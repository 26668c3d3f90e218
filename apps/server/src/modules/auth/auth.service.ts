import { DomainError, notFound } from '@frameos/domain';
import type { Database, Executor } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { isUniqueViolation } from '../../lib/pg-errors.ts';
import { generateApiKey } from './api-key-secret.ts';
import { findFirstMembership, findMembershipRole, findUserByEmail, findUserEmail, insertApiKey, insertOrganizationWithOwner, listApiKeys, listUserOrganizations, revokeApiKey } from './auth.repo.ts';
import { DEFAULT_SCRYPT_N, dummyPasswordHash, hashPassword, verifyPassword } from './password.ts';
import { assertAdmin, type Role } from './principal.ts';
import { issueSessionToken, SESSION_TTL_SECONDS } from './session-token.ts';

export interface SignupInput {
  email: string;
  password: string;
  org_name: string;
}

export async function signup(database: Database, input: SignupInput, now: Date, scryptN: number = DEFAULT_SCRYPT_N) {
  const passwordHash = await hashPassword(input.password, scryptN);
  const userId = newId('user');
  const orgId = newId('org');
  try {
    const key = await database.db.transaction(async (tx) => {
      await insertOrganizationWithOwner(tx, { orgId, name: input.org_name, userId, email: input.email, passwordHash, now });
      return issueApiKey(tx, { orgId, agentAccountId: null, now });
    });
    return { user_id: userId, org_id: orgId, api_key: key.secret };
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('email_taken', 'An account with this email already exists.');
    throw err;
  }
}

export async function login(database: Database, email: string, password: string, jwtSecret: string, now: Date, orgId?: string, scryptN: number = DEFAULT_SCRYPT_N) {
  const user = await findUserByEmail(database.db, email);
  const ok = await verifyPassword(password, user?.passwordHash ?? dummyPasswordHash(scryptN));
  // Looked up whether or not the password matched, so neither the answer nor its timing tells a
  // removed member's right password from a wrong one (or a member of the named org from an outsider).
  const membership = user ? await membershipFor(database.db, user.id, orgId) : null;
  if (!user || !ok || !membership) throw new DomainError('invalid_credentials', 'The email or password is wrong.');
  return sessionFor(user.id, membership, jwtSecret, now);
}

async function membershipFor(db: Executor, userId: string, orgId: string | undefined): Promise<{ orgId: string; role: Role } | null> {
  if (orgId === undefined) {
    const first = await findFirstMembership(db, userId);
    return first ? { orgId: first.orgId, role: first.role as Role } : null;
  }
  const role = await findMembershipRole(db, userId, orgId);
  return role ? { orgId, role } : null;
}

async function sessionFor(userId: string, membership: { orgId: string; role: Role }, jwtSecret: string, now: Date) {
  const token = await issueSessionToken({ userId, orgId: membership.orgId }, jwtSecret, now);
  return { token, token_type: 'Bearer' as const, expires_in: SESSION_TTL_SECONDS, user_id: userId, org_id: membership.orgId, role: membership.role };
}

function sessionUser(ctx: RequestContext): string {
  if (ctx.principal.type !== 'user') throw new DomainError('forbidden', 'Organizations are switched from a signed-in session, not with an API key.');
  return ctx.principal.userId;
}

/** The organizations the signed-in person belongs to, with their role in each. */
export async function listMyOrganizations(ctx: RequestContext) {
  const userId = sessionUser(ctx);
  const rows = await listUserOrganizations(ctx.db, userId);
  return {
    object: 'list' as const,
    data: rows.map((r) => ({ object: 'organization_membership' as const, org_id: r.orgId, name: r.name, role: r.role as Role, current: r.orgId === ctx.principal.orgId, joined_at: r.createdAt.toISOString() })),
    has_more: false,
    next_cursor: null,
  };
}

/** A new session in another of the person's organizations; not a member → 404, as for any id of another org. */
export async function switchOrganization(ctx: RequestContext, orgId: string, jwtSecret: string) {
  const userId = sessionUser(ctx);
  const role = await findMembershipRole(ctx.db, userId, orgId);
  if (!role) throw notFound('Organization', orgId);
  return sessionFor(userId, { orgId, role }, jwtSecret, ctx.now);
}

/** A new API key of an org (or of one of its agent accounts) in the caller's transaction; the secret exists only in the answer. */
export async function issueApiKey(tx: Executor, key: { orgId: string; agentAccountId: string | null; now: Date }): Promise<{ id: string; secret: string; prefix: string }> {
  const kind = key.agentAccountId ? 'agent' : 'org';
  const generated = generateApiKey(kind);
  const id = newId('api_key');
  await insertApiKey(tx, { id, orgId: key.orgId, kind, agentAccountId: key.agentAccountId, keyHash: generated.hash, displayPrefix: generated.displayPrefix, createdAt: key.now });
  return { id, secret: generated.secret, prefix: generated.displayPrefix };
}

export async function createOrgApiKey(ctx: RequestContext) {
  assertAdmin(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    const key = await issueApiKey(tx, { orgId: ctx.principal.orgId, agentAccountId: null, now: ctx.now });
    return { api_key_id: key.id, kind: 'org' as const, api_key: key.secret, prefix: key.prefix };
  });
}

export async function revokeKey(ctx: RequestContext, keyId: string) {
  assertAdmin(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    const revoked = await revokeApiKey(tx, ctx.principal.orgId, keyId, ctx.now);
    if (!revoked) throw new DomainError('not_found', `API key ${keyId} not found or already revoked`);
    return { api_key_id: keyId, revoked: true };
  });
}

export async function listKeys(ctx: RequestContext) {
  assertAdmin(ctx.principal);
  const rows = await listApiKeys(ctx.db, ctx.principal.orgId);
  return {
    object: 'list' as const,
    data: rows.map((r) => ({
      api_key_id: r.id,
      kind: r.kind,
      agent_account_id: r.agentAccountId,
      prefix: r.displayPrefix,
      created_at: r.createdAt.toISOString(),
      revoked_at: r.revokedAt?.toISOString() ?? null,
    })),
    has_more: false,
    next_cursor: null,
  };
}

/** The email a user signed up with (null for an unknown user). */
export async function userEmail(db: Executor, userId: string): Promise<string | null> {
  return findUserEmail(db, userId);
}

/** Whether someone has signed up with this email (any organization). */
export async function isEmailRegistered(db: Executor, email: string): Promise<boolean> {
  return (await findUserByEmail(db, email.toLowerCase())) !== null;
}
