import type { ComponentType } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { Layout } from '@/components/layout';
import { RequireSession } from '@/auth/require-session';
import { RouteError } from '@/pages/route-error';

/** Each page is its own chunk, loaded when first visited, so the first load stays small. */
function page(load: () => Promise<{ default: ComponentType }>): Pick<RouteObject, 'lazy'> {
  return { lazy: async () => ({ Component: (await load()).default }) };
}

/**
 * The route table (paths are under the router's basename /app). Pages still to come (issue 10):
 * add them here and, for a new area, in nav.ts.
 */
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    // Shown while the first page's chunk loads.
    hydrateFallbackElement: <p className="sr-only" role="status">Loading…</p>,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { index: true, ...page(() => import('@/pages/home')) },
          { path: 'login', ...page(() => import('@/pages/login')) },
          { path: 'signup', ...page(() => import('@/pages/signup')) },
          {
            element: <RequireSession />,
            children: [
              { path: 'marketplace', ...page(() => import('@/pages/agent-list')) },
              { path: 'marketplace/:agentId', ...page(() => import('@/pages/agent-detail')) },
              {
                // The dashboard's tab navigation (DASHBOARD_NAV in nav.ts) around its pages.
                ...page(() => import('@/pages/dashboard/shell')),
                children: [
                  { path: 'dashboard', ...page(() => import('@/pages/dashboard')) },
                  { path: 'dashboard/payments', ...page(() => import('@/pages/dashboard/payments')) },
                  { path: 'dashboard/payments/:paymentId', ...page(() => import('@/pages/dashboard/payment-detail')) },
                  { path: 'dashboard/receipts', ...page(() => import('@/pages/dashboard/receipts')) },
                  { path: 'dashboard/agent-accounts', ...page(() => import('@/pages/dashboard/agent-accounts')) },
                  { path: 'dashboard/policies', ...page(() => import('@/pages/dashboard/policies')) },
                  { path: 'dashboard/api-keys', ...page(() => import('@/pages/dashboard/api-keys')) },
                  { path: 'dashboard/webhooks', ...page(() => import('@/pages/dashboard/webhooks')) },
                  { path: 'dashboard/members', ...page(() => import('@/pages/dashboard/members')) },
                  { path: 'dashboard/deployments', ...page(() => import('@/pages/runs/deployments')) },
                  { path: 'dashboard/executions', ...page(() => import('@/pages/runs/executions')) },
                  { path: 'dashboard/executions/:executionId', ...page(() => import('@/pages/runs/execution-detail')) },
                ],
              },
              { path: 'approvals', ...page(() => import('@/pages/runs/approvals')) },
              { path: 'developer', ...page(() => import('@/pages/developer')) },
              { path: 'developer/register', ...page(() => import('@/pages/developer/register')) },
              { path: 'admin', ...page(() => import('@/pages/admin')) },
              { path: 'dashboard/*', ...page(() => import('@/pages/planned')) },
            ],
          },
          { path: '*', ...page(() => import('@/pages/not-found')) },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes, { basename: '/app' });
}
