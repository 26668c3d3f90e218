import { useQuery } from '@tanstack/react-query';
import type { components, paths } from '@frameos/client/schema';
import { api, ApiError, unwrap } from './client';
import { useSession } from '@/auth/session';

export type AgentQuery = NonNullable<paths['/agents']['get']['parameters']['query']>;
export type AgentListing = paths['/agents']['get']['responses'][200]['content']['application/json']['data'][number];
export type AgentDetail = paths['/agents/{id}']['get']['responses'][200]['content']['application/json'];
export type AgentAccount = paths['/agent-accounts']['get']['responses'][200]['content']['application/json']['data'][number];
export type Payment = paths['/payments']['get']['responses'][200]['content']['application/json']['data'][number];
export type Execution = paths['/executions']['get']['responses'][200]['content']['application/json']['data'][number];
export type Category = NonNullable<AgentQuery['category']>;
export type PricingModel = NonNullable<AgentQuery['pricing_model']>;
export type { components };

export const CATEGORIES: readonly Category[] = ['sales', 'marketing', 'devops', 'research', 'productivity'];
export const PRICING_MODELS: readonly PricingModel[] = ['per_execution', 'pay_per_use', 'subscription'];

/**
 * Query keys start with the signed-in user, so one user's cached answers are never shown to the
 * next (the cache is also cleared at log-in and log-out).
 */
function useUserKey(): string {
  return useSession()?.userId ?? 'anonymous';
}

export function useAgents(query: AgentQuery) {
  const user = useUserKey();
  return useQuery({
    queryKey: [user, 'agents', query],
    queryFn: ({ signal }) => unwrap(api.GET('/agents', { params: { query }, signal })),
    placeholderData: (previous) => previous,
  });
}

export function useAgent(id: string) {
  const user = useUserKey();
  return useQuery({ queryKey: [user, 'agent', id], queryFn: ({ signal }) => unwrap(api.GET('/agents/{id}', { params: { path: { id } }, signal })) });
}

export function useAgentAccounts() {
  const user = useUserKey();
  return useQuery({ queryKey: [user, 'agent-accounts'], queryFn: ({ signal }) => unwrap(api.GET('/agent-accounts', { params: { query: { limit: 100 } }, signal })) });
}

export function useRecentPayments(limit = 10) {
  const user = useUserKey();
  return useQuery({ queryKey: [user, 'payments', { limit }], queryFn: ({ signal }) => unwrap(api.GET('/payments', { params: { query: { limit } }, signal })) });
}

export function useRecentExecutions(limit = 10) {
  const user = useUserKey();
  return useQuery({
    queryKey: [user, 'executions', { limit }],
    queryFn: ({ signal }) => unwrap(api.GET('/executions', { params: { query: { limit } }, signal })),
    // A run still going changes; poll while one is on screen.
    refetchInterval: (query) => (query.state.data?.data.some((e) => ['queued', 'running'].includes(e.status)) ? 3000 : false),
  });
}

/** The browser's IANA time zone: "today" and "this month" on the dashboard are the user's. */
export const USER_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function useSpendSummary() {
  const user = useUserKey();
  return useQuery({
    queryKey: [user, 'spend', USER_TIME_ZONE],
    queryFn: ({ signal }) => unwrap(api.GET('/spend', { params: { query: { time_zone: USER_TIME_ZONE } }, signal })),
  });
}

/** A policy's spend today against its limits (null id: nothing chosen yet). */
export function usePolicySpend(policyId: string | null) {
  const user = useUserKey();
  return useQuery({
    queryKey: [user, 'policy-spend', policyId],
    enabled: policyId !== null,
    queryFn: ({ signal }) => unwrap(api.GET('/policies/{id}/spend', { params: { path: { id: policyId ?? '' } }, signal })),
  });
}

export type ChainCheck = paths['/receipts/verify']['get']['responses'][200]['content']['application/json'];

/** Every agent account's receipt chain checked by the server (`/receipts/verify`), one call per account. */
export function useChainChecks(accountIds: readonly string[] | undefined) {
  const user = useUserKey();
  return useQuery({
    queryKey: [user, 'chain-checks', accountIds],
    enabled: accountIds !== undefined,
    queryFn: ({ signal }) =>
      Promise.all((accountIds ?? []).map((id) => unwrap(api.GET('/receipts/verify', { params: { query: { agent_account_id: id } }, signal })))),
  });
}

/**
 * Whether the user is a platform admin: the public API has no flag for it, so the app asks the admin
 * review queue for one row — 200 for platform admins, 403 for everyone else.
 */
export function useIsPlatformAdmin(): boolean {
  const session = useSession();
  const result = useQuery({
    queryKey: [session?.userId ?? 'anonymous', 'is-platform-admin'],
    enabled: session !== null,
    staleTime: 5 * 60_000,
    retry: false,
    queryFn: async ({ signal }) => {
      try {
        await unwrap(api.GET('/admin/agents', { params: { query: { limit: 1 } }, signal }));
        return true;
      } catch (err) {
        if (err instanceof ApiError && (err.status === 403 || err.status === 404)) return false;
        throw err;
      }
    },
  });
  return result.data === true;
}

/**
 * What waits for a human: mandates pending approval and executions awaiting approval (both lists
 * filter by status on the server; "100+" when either has more).
 */
export function useApprovalsCount() {
  const session = useSession();
  return useQuery({
    queryKey: [session?.userId ?? 'anonymous', 'approvals-count'],
    enabled: session !== null,
    refetchInterval: 30_000,
    queryFn: async ({ signal }) => {
      const [mandates, executions] = await Promise.all([
        unwrap(api.GET('/mandates', { params: { query: { limit: 100, status: 'pending_approval' } }, signal })),
        unwrap(api.GET('/executions', { params: { query: { limit: 100, status: 'awaiting_approval' } }, signal })),
      ]);
      return { count: mandates.data.length + executions.data.length, more: mandates.has_more || executions.has_more };
    },
  });
}

export const CATEGORY_LABELS: Record<Category, string> = {
  sales: 'Sales',
  marketing: 'Marketing',
  devops: 'DevOps',
  research: 'Research',
  productivity: 'Productivity',
};

export const PRICING_LABELS: Record<PricingModel, string> = {
  per_execution: 'Per run',
  pay_per_use: 'Pay per use',
  subscription: 'Subscription',
};
