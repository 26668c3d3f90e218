import { createHash, randomBytes } from 'node:crypto';

export type ApiKeyKind = 'org' | 'agent';

/** The prefix tells an org's secret key from an agent's key at a glance (and to secret scanners). */
export const API_KEY_PREFIX: Record<ApiKeyKind, string> = { org: 'fos_org_', agent: 'fos_agent_' };

export interface NewApiKey {
  secret: string;
  hash: string;
  displayPrefix: string;
}

export function generateApiKey(kind: ApiKeyKind): NewApiKey {
  const secret = API_KEY_PREFIX[kind] + randomBytes(32).toString('base64url');
  return { secret, hash: hashApiKey(secret), displayPrefix: secret.slice(0, API_KEY_PREFIX[kind].length + 6) };
}

/** Keys are 256-bit random, so a fast hash is enough: there is nothing to brute-force. */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX.org) || token.startsWith(API_KEY_PREFIX.agent);
}
