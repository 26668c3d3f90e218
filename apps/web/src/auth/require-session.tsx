import { Navigate, Outlet, useLocation } from 'react-router';
import { sessionEndedBy, useSession } from './session';

/** Pages under it need a session: without one the user logs in first and comes back here (`?next=`). */
export function RequireSession() {
  const session = useSession();
  const { pathname, search } = useLocation();
  if (session) return <Outlet />;
  const params = new URLSearchParams({ next: pathname + search });
  if (sessionEndedBy() === 'expired') params.set('expired', '1');
  return <Navigate to={`/login?${params.toString()}`} replace />;
}

/** Only same-app paths are followed after log-in (never an absolute URL someone put in a link). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/dashboard';
}
