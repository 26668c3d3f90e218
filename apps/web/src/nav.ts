/**
 * The header's navigation. A new area adds its entry here and its pages in routes.tsx.
 * `needs`: who sees the entry; `badge`: a live count shown next to it.
 */
export interface NavItem {
  to: string;
  label: string;
  needs: 'anyone' | 'session' | 'platform-admin';
  /** Other paths that highlight this entry (the marketplace's home and its list and details). */
  matches?: string[];
  badge?: 'approvals';
}

export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'Marketplace', needs: 'anyone', matches: ['/marketplace'] },
  { to: '/dashboard', label: 'Dashboard', needs: 'session' },
  { to: '/approvals', label: 'Approvals', needs: 'session', badge: 'approvals' },
  { to: '/developer', label: 'Developer', needs: 'session' },
  { to: '/admin', label: 'Admin', needs: 'platform-admin' },
];

/**
 * The dashboard's own navigation (tabs inside /dashboard/…, `pages/dashboard/shell.tsx`). A new
 * dashboard page adds its entry here and its route inside the dashboard shell in routes.tsx.
 */
export interface DashboardNavItem {
  to: string;
  label: string;
  /** Only the exact path highlights it (the overview at /dashboard). */
  end?: boolean;
}

export const DASHBOARD_NAV: readonly DashboardNavItem[] = [
  { to: '/dashboard', label: 'Overview', end: true },
  { to: '/dashboard/deployments', label: 'Deployments' },
  { to: '/dashboard/executions', label: 'Executions' },
  { to: '/dashboard/payments', label: 'Payments' },
  { to: '/dashboard/receipts', label: 'Receipts' },
  { to: '/dashboard/agent-accounts', label: 'Agent accounts' },
  { to: '/dashboard/policies', label: 'Policies' },
  { to: '/dashboard/api-keys', label: 'API keys' },
  { to: '/dashboard/webhooks', label: 'Webhooks' },
  { to: '/dashboard/members', label: 'Members' },
];
