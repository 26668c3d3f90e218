import { useSyncExternalStore } from 'react';

/**
 * The session token from POST /auth/login, kept in memory and in sessionStorage (this tab only, gone
 * when it closes) — never in a cookie, so no request carries it unless the app adds the header.
 */
export interface Session {
  token: string;
  userId: string;
  orgId: string;
  role: 'owner' | 'admin' | 'member' | 'viewer';
  email: string;
  expiresAt: number;
}

const STORAGE_KEY = 'frameos.session';
const listeners = new Set<() => void>();
let current: Session | null = readStored();

function readStored(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    return session.expiresAt > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  if (current && current.expiresAt <= Date.now()) endSession('expired');
  return current;
}

/** Why the last session ended: the login page says so when it was the server (expired or revoked). */
let endedBy: 'logout' | 'expired' | null = null;
export function sessionEndedBy(): 'logout' | 'expired' | null {
  return endedBy;
}

export function endSession(reason: 'logout' | 'expired'): void {
  endedBy = reason;
  setSession(null);
}

export function setSession(session: Session | null): void {
  if (session) endedBy = null;
  current = session;
  try {
    if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be unavailable (private mode, quota): the in-memory copy still works for this page.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, getSession);
}

/** People who may change things; viewers only read (the API enforces it, the app hides the buttons). */
export function canWrite(session: Session | null): boolean {
  return session !== null && session.role !== 'viewer';
}
