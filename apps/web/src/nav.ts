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
