import { api, unwrap } from '@/api/client';
import { setSession } from './session';

/** POST /auth/login, then keep the session (token, role, expiry) for this tab. */
export async function logIn(email: string, password: string): Promise<void> {
  const answer = await unwrap(api.POST('/auth/login', { body: { email, password } }));
  setSession({
    token: answer.token,
    userId: answer.user_id,
    orgId: answer.org_id,
    role: answer.role,
    email,
    expiresAt: Date.now() + answer.expires_in * 1000,
  });
}
