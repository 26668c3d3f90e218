import { SignJWT, jwtVerify } from 'jose';

const ISSUER = 'frameos';
const AUDIENCE = 'frameos-session';
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface SessionClaims {
  userId: string;
  orgId: string;
}

export async function issueSessionToken(claims: SessionClaims, secret: string, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ org: claims.orgId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SESSION_TTL_SECONDS)
    .sign(new TextEncoder().encode(secret));
}

export async function verifySessionToken(token: string, secret: string, now: Date): Promise<SessionClaims | null> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      // jose checks exp only when present: a token without one would never expire.
      requiredClaims: ['exp', 'iat', 'sub'],
      currentDate: now,
    });
    if (typeof payload.sub !== 'string' || typeof payload.org !== 'string') return null;
    return { userId: payload.sub, orgId: payload.org };
  } catch {
    return null;
  }
}
