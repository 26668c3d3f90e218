import type { Executor } from '@frameos/db';
import type { Principal } from './principal.ts';
import { hashApiKey, looksLikeApiKey } from './api-key-secret.ts';
import { verifySessionToken } from './session-token.ts';
import { findActiveApiKeyByHash, findMembershipRole } from './auth.repo.ts';

/** Turns a bearer token (API key or session JWT) into a principal, or null when it is not valid now. */
export async function resolvePrincipal(db: Executor, token: string, jwtSecret: string, now: Date): Promise<Principal | null> {
  if (looksLikeApiKey(token)) {
    const key = await findActiveApiKeyByHash(db, hashApiKey(token));
    if (!key) return null;
    if (key.kind === 'agent' && key.agentAccountId) return { type: 'agent', keyId: key.id, orgId: key.orgId, agentAccountId: key.agentAccountId };
    return { type: 'org_key', keyId: key.id, orgId: key.orgId };
  }
  const session = await verifySessionToken(token, jwtSecret, now);
  if (!session) return null;
  // The role is read on every request so a removed or demoted member loses access at once.
  const role = await findMembershipRole(db, session.userId, session.orgId);
  return role ? { type: 'user', userId: session.userId, orgId: session.orgId, role } : null;
}
