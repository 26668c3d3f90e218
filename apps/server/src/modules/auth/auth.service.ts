import { DomainError } from '@frameos/domain';
import type { Database } from '@frameos/db';
import { schema } from '@frameos/db';
import type { RequestContext } from '../../lib/context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { isUniqueViolation } from '../../lib/pg-errors.ts';
import { generateApiKey } from './api-key-secret.ts';
import { findFirstMembership, findUserByEmail, insertApiKey, listApiKeys, revokeApiKey } from './auth.repo.ts';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password.ts';
import { assertAdmin, type Role } from './principal.ts';
import { issueSessionToken, SESSION_TTL_SECONDS } from './session-token.ts';

export interface SignupInput {
  email: string;
  password: string;
  org_name: string;
}

export async function signup(database: Database, input: SignupInput, now: Date) {
  const passwordHash = await hashPassword(input.password);
  const userId = newId('user');
  const orgId = newId('org');
  const key = generateApiKey('org');
  try {
    await database.db.transaction(async (tx) => {
      await tx.insert(schema.organizations).values({ id: orgId, name: input.org_name, createdAt: now });
      await tx.insert(schema.users).values({ id: userId, email: input.email, passwordHash, createdAt: now });
      await tx.insert(schema.memberships).values({ orgId, userId, role: 'owner', createdAt: now });
      await insertApiKey(tx, { id: newId('api_key'), orgId, kind: 'org', agentAccountId: null, keyHash: key.hash, displayPrefix: key.displayPrefix, createdAt: now });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('email_taken', 'An account with this email already exists.');
    throw err;
  }
  return { user_id: userId, org_id: orgId, api_key: key.secret };
}

export async function login(database: Database, email: string, password: string, jwtSecret: string, now: Date) {
  const user = await findUserByEmail(database.db, email);
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  // Looked up whether or not the password matched, so neither the answer nor its timing tells a
  // removed member's right password from a wrong one.
  const membership = user ? await findFirstMembership(database.db, user.id) : null;
  if (!user || !ok || !membership) throw new DomainError('invalid_credentials', 'The email or password is wrong.');
  const token = await issueSessionToken({ userId: user.id, orgId: membership.orgId }, jwtSecret, now);
  return { token, token_type: 'Bearer' as const, expires_in: SESSION_TTL_SECONDS, user_id: user.id, org_id: membership.orgId, role: membership.role as Role };
}

export async function createOrgApiKey(ctx: RequestContext) {
  assertAdmin(ctx.principal);
  const key = generateApiKey('org');
  const id = newId('api_key');
  return inTransaction(ctx, async (tx) => {
    await insertApiKey(tx, { id, orgId: ctx.principal.orgId, kind: 'org', agentAccountId: null, keyHash: key.hash, displayPrefix: key.displayPrefix, createdAt: ctx.now });
    return { api_key_id: id, kind: 'org' as const, api_key: key.secret, prefix: key.displayPrefix };
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
