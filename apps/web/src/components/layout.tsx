import { useEffect, useId, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LogOut, Menu, X } from 'lucide-react';
import { endSession, setSession, useSession } from '@/auth/session';
import { api, unwrap } from '@/api/client';
import { useApprovalsCount, useIsPlatformAdmin } from '@/api/queries';
import { NAV_ITEMS, type NavItem } from '@/nav';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/cn';

function isActive(item: NavItem, pathname: string): boolean {
  if (item.to === '/') return pathname === '/' || (item.matches ?? []).some((p) => pathname === p || pathname.startsWith(`${p}/`));
  return pathname === item.to || pathname.startsWith(`${item.to}/`);
}

function ApprovalsBadge() {
  const { data } = useApprovalsCount();
  if (!data || data.count === 0) return null;
  const text = data.more ? `${data.count}+` : String(data.count);
  return (
    <span className="ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full bg-amber-500 px-1.5 text-xs font-semibold text-slate-950">
      {text}
      <span className="sr-only"> waiting for approval</span>
    </span>
  );
}

function Navigation({ onNavigate, vertical }: { onNavigate?: () => void; vertical?: boolean }) {
  const session = useSession();
  const isAdmin = useIsPlatformAdmin();
  const { pathname } = useLocation();
  const visible = NAV_ITEMS.filter((item) => item.needs === 'anyone' || (item.needs === 'session' && session) || (item.needs === 'platform-admin' && isAdmin));
  return (
    <ul className={cn('flex gap-1', vertical ? 'flex-col' : 'items-center')}>
      {visible.map((item) => {
        const active = isActive(item, pathname);
        return (
          <li key={item.to}>
            <NavLink
              to={item.to}
              onClick={onNavigate}
              aria-current={active ? 'page' : undefined}
              className={cn(
                'flex items-center rounded-md px-3 py-2 text-sm font-medium',
                active ? 'bg-slate-800 text-white' : 'text-slate-200 hover:bg-slate-800 hover:text-white',
              )}
            >
              {item.label}
              {item.badge === 'approvals' && <ApprovalsBadge />}
            </NavLink>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * Which organization the session acts in, for a person who belongs to several: switching asks the
 * API for a session in the other organization and starts the app afresh there (no cached answers
 * of the first organization survive).
 */
function OrgSwitcher() {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const orgs = useQuery({
    queryKey: [session?.userId ?? 'anonymous', session?.orgId, 'organizations'],
    enabled: session !== null,
    staleTime: 60_000,
    queryFn: ({ signal }) => unwrap(api.GET('/auth/organizations', { signal })),
  });
  const switchOrg = useMutation({
    mutationFn: (orgId: string) => unwrap(api.POST('/auth/switch-organization', { body: { org_id: orgId } })),
    onSuccess: (answer) => {
      if (!session) return;
      queryClient.clear();
      setSession({ ...session, token: answer.token, orgId: answer.org_id, role: answer.role, expiresAt: Date.now() + answer.expires_in * 1000 });
      void navigate('/dashboard');
    },
  });
  // The header draws the account twice (desktop and the phone menu): each select needs its own id.
  const selectId = useId();
  const list = orgs.data?.data ?? [];
  if (!session || list.length < 2) return null;
  return (
    <div className="flex flex-col">
      <label className="sr-only" htmlFor={selectId}>
        Organization
      </label>
      <select
        id={selectId}
        className="h-9 max-w-44 truncate rounded-md border border-slate-600 bg-slate-800 px-2 text-sm text-white focus-visible:ring-2 focus-visible:ring-white focus-visible:outline-none"
        value={session.orgId}
        disabled={switchOrg.isPending}
        onChange={(e) => switchOrg.mutate(e.target.value)}
      >
        {list.map((o) => (
          <option key={o.org_id} value={o.org_id}>
            {o.name} ({o.role})
          </option>
        ))}
      </select>
      {switchOrg.isError && (
        <span role="alert" className="mt-1 text-xs text-red-200">
          {switchOrg.error.message}
        </span>
      )}
    </div>
  );
}

function Account() {
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { pathname, search } = useLocation();
  if (!session) {
    const next = pathname === '/login' || pathname === '/signup' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
    return (
      <div className="flex items-center gap-2">
        <Button asChild variant="ghost" size="sm" className="text-slate-100 hover:bg-slate-800 hover:text-white">
          <Link to={`/login${next}`}>Log in</Link>
        </Button>
        <Button asChild size="sm" className="bg-white text-slate-900 hover:bg-slate-200">
          <Link to="/signup">Sign up</Link>
        </Button>
      </div>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-3">
      <OrgSwitcher />
      <span className="hidden max-w-48 truncate text-sm text-slate-200 xl:inline" title={session.email}>
        {session.email} <span className="text-slate-300">· {session.role}</span>
      </span>
      <Button
        variant="ghost"
        size="sm"
        className="text-slate-100 hover:bg-slate-800 hover:text-white"
        onClick={() => {
          endSession('logout');
          queryClient.clear();
          void navigate('/login');
        }}
      >
        <LogOut className="h-4 w-4" aria-hidden="true" />
        Log out
      </Button>
    </div>
  );
}

export function Layout() {
  const [menuOpen, setMenuOpen] = useState(false);
  const { pathname } = useLocation();
  useEffect(() => setMenuOpen(false), [pathname]);
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only z-50 rounded bg-white px-3 py-2 text-slate-900 focus:not-sr-only focus:absolute focus:top-2 focus:left-2">
        Skip to content
      </a>
      <header className="bg-slate-900 text-white">
        <div className="mx-auto flex h-16 max-w-7xl items-center gap-4 px-4 sm:px-6">
          <Link to="/" className="flex items-center gap-2 rounded text-lg font-bold tracking-tight text-white">
            <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width={28} height={28} />
            FrameOS
          </Link>
          <nav aria-label="Main" className="hidden flex-1 lg:block">
            <Navigation />
          </nav>
          <div className="ml-auto hidden lg:block">
            <Account />
          </div>
          <Button
            variant="ghost"
            size="icon"
            className="ml-auto text-white hover:bg-slate-800 hover:text-white lg:hidden"
            aria-expanded={menuOpen}
            aria-controls="mobile-menu"
            aria-label={menuOpen ? 'Close menu' : 'Open menu'}
            onClick={() => setMenuOpen((open) => !open)}
          >
            {menuOpen ? <X className="h-5 w-5" aria-hidden="true" /> : <Menu className="h-5 w-5" aria-hidden="true" />}
          </Button>
        </div>
        {menuOpen && (
          <div id="mobile-menu" className="border-t border-slate-800 px-4 pt-2 pb-4 lg:hidden">
            <nav aria-label="Main">
              <Navigation vertical onNavigate={() => setMenuOpen(false)} />
            </nav>
            <div className="mt-3 border-t border-slate-800 pt-3">
              <Account />
            </div>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 px-4 py-8 focus:outline-none sm:px-6">
        <Outlet />
      </main>
      <footer className="border-t border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap gap-x-6 gap-y-2 px-4 py-4 text-sm text-slate-600 sm:px-6">
          <span>FrameOS — payments and a marketplace for AI agents</span>
          <a className="text-indigo-700 hover:underline" href="/docs">
            API reference
          </a>
        </div>
      </footer>
    </div>
  );
}
