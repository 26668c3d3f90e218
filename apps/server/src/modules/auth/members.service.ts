import { DomainError, notFound } from '@frameos/domain';
import type { Executor } from '@frameos/db';
import type { RequestContext } from '../../context.ts';
import { newId } from '../../lib/ids.ts';
import { inTransaction } from '../idempotency/request-transaction.ts';
import { hashPassword } from './password.ts';
import { isUniqueViolation } from '../../lib/pg-errors.ts';
import { assertAdmin, assertCanReadOrg, type Principal, type Role } from './principal.ts';
import { deleteMember, findMember, insertMember, insertMembership, listMembers, lockOwners, setMemberRole } from './members.repo.ts';
import { findUserByEmail } from './auth.repo.ts';

type MemberRow = NonNullable<Awaited<ReturnType<typeof findMember>>>;

function memberDto(row: MemberRow) {
  return { object: 'member' as const, user_id: row.userId, email: row.email, role: row.role, created_at: row.createdAt.toISOString() };
}

/** Only an owner may create, promote to or demote from `owner`. */
function assertMayGrant(p: Principal, role: Role) {
  if (role === 'owner' && !(p.type === 'user' && p.role === 'owner')) throw new DomainError('forbidden', 'Only an owner can grant or take away the owner role.');
}

/** People are managed by people: a stolen org key must not be able to create lasting accounts. */
function assertHumanAdmin(p: Principal) {
  if (p.type !== 'user') throw new DomainError('forbidden', 'Members are managed from a signed-in owner or admin session, not with an API key.');
  assertAdmin(p);
}

async function assertNotLastOwner(db: Executor, orgId: string, userId: string) {
  const owners = await lockOwners(db, orgId);
  if (owners.length === 1 && owners[0]?.userId === userId) throw new DomainError('last_owner', 'An organization must keep at least one owner.');
}

/**
 * A new user with a password, or — without one — a person who already has an account (in another
 * organization) joins this one; they then switch between their organizations with one login.
 */
export async function addMember(ctx: RequestContext, input: { email: string; password?: string | undefined; role: Role }) {
  assertHumanAdmin(ctx.principal);
  assertMayGrant(ctx.principal, input.role);
  const existing = await findUserByEmail(ctx.db, input.email);
  if (existing) {
    // Nobody sets another person's password: an existing account joins as it is.
    if (input.password !== undefined) throw new DomainError('email_taken', 'An account with this email already exists: leave the password out to add that person to this organization.');
    try {
      return await inTransaction(ctx, async (tx) => {
        if (await findMember(tx, ctx.principal.orgId, existing.id)) throw alreadyMember();
        await insertMembership(tx, ctx.principal.orgId, existing.id, input.role, ctx.now);
        return memberDto((await findMember(tx, ctx.principal.orgId, existing.id))!);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw alreadyMember();
      throw err;
    }
  }
  if (input.password === undefined) throw new DomainError('validation_error', 'body.password: required for a person who has no account yet', { field: 'body.password' });
  const passwordHash = await hashPassword(input.password, ctx.app.config.passwordScryptN);
  const userId = newId('user');
  try {
    return await inTransaction(ctx, async (tx) => {
      await insertMember(tx, { id: userId, email: input.email, passwordHash }, ctx.principal.orgId, input.role, ctx.now);
      return memberDto((await findMember(tx, ctx.principal.orgId, userId))!);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('email_taken', 'An account with this email already exists.');
    throw err;
  }
}

function alreadyMember() {
  return new DomainError('already_member', 'This person is already a member of the organization.');
}

export async function changeMemberRole(ctx: RequestContext, userId: string, role: Role) {
  assertHumanAdmin(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    const member = await findMember(tx, ctx.principal.orgId, userId, true);
    if (!member) throw notFound('Member', userId);
    assertMayGrant(ctx.principal, role);
    if (member.role === 'owner') {
      assertMayGrant(ctx.principal, 'owner');
      if (role !== 'owner') await assertNotLastOwner(tx, ctx.principal.orgId, userId);
    }
    await setMemberRole(tx, ctx.principal.orgId, userId, role);
    return memberDto((await findMember(tx, ctx.principal.orgId, userId))!);
  });
}

export async function removeMember(ctx: RequestContext, userId: string) {
  assertHumanAdmin(ctx.principal);
  return inTransaction(ctx, async (tx) => {
    const member = await findMember(tx, ctx.principal.orgId, userId, true);
    if (!member) throw notFound('Member', userId);
    if (member.role === 'owner') {
      assertMayGrant(ctx.principal, 'owner');
      await assertNotLastOwner(tx, ctx.principal.orgId, userId);
    }
    await deleteMember(tx, ctx.principal.orgId, userId);
    return { user_id: userId, removed: true };
  });
}

export async function listMembersPage(ctx: RequestContext) {
  assertCanReadOrg(ctx.principal);
  const rows = await listMembers(ctx.db, ctx.principal.orgId);
  return { object: 'list' as const, data: rows.map(memberDto), has_more: false, next_cursor: null };
}
