import { DomainError } from '@frameos/domain';

export type Role = 'owner' | 'admin' | 'member' | 'viewer';

/** Who is calling: a human with a session, an org's secret key, or an agent account's key. */
export type Principal =
  | { type: 'user'; userId: string; orgId: string; role: Role }
  | { type: 'org_key'; keyId: string; orgId: string }
  | { type: 'agent'; keyId: string; orgId: string; agentAccountId: string };

/** Idempotency keys and rate limits are scoped to this. */
export function principalScope(p: Principal): string {
  return p.type === 'user' ? `user:${p.userId}` : `key:${p.keyId}`;
}

export function principalLabel(p: Principal): string {
  return p.type === 'user' ? p.userId : p.keyId;
}

function forbid(message: string): never {
  throw new DomainError('forbidden', message);
}

/** Org administration: agent accounts, policies, vendors, top-ups. The org's secret key counts as admin. */
export function assertAdmin(p: Principal): void {
  if (p.type === 'org_key') return;
  if (p.type === 'user' && (p.role === 'owner' || p.role === 'admin')) return;
  forbid('This action needs the owner or admin role (or the organization key).');
}

/**
 * Organization-wide data (members and their emails, vendors and their settings) is for people and
 * the org key. An agent key is the least-trusted credential: it sees its own agent account only.
 */
export function assertCanReadOrg(p: Principal): void {
  if (p.type === 'agent') forbid('An agent key can read only its own agent account, not the organization’s members or vendors.');
}

/** Any change at all: viewers only read. */
export function assertCanWrite(p: Principal): void {
  if (p.type === 'user' && p.role === 'viewer') forbid('Viewers can only read.');
}

/** Approving spend is a human decision: a session of an owner, admin or member. */
export function assertCanApprove(p: Principal): void {
  if (p.type !== 'user') forbid('Only a signed-in human can approve or reject a mandate.');
  if (p.role === 'viewer') forbid('Viewers can only read.');
}

/** Whether the principal may see a row of this agent account (the org is already filtered in SQL). */
export function canSeeAgentAccount(p: Principal, agentAccountId: string): boolean {
  return p.type !== 'agent' || p.agentAccountId === agentAccountId;
}

/** An agent key sees only its own agent account; humans and the org key see the whole org. */
export function agentScope(p: Principal): string | null {
  return p.type === 'agent' ? p.agentAccountId : null;
}
