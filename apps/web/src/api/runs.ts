import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths } from '@frameos/client/schema';
import { api, idempotencyKey, unwrap } from './client';
import { useSession } from '@/auth/session';

/** Deployments, executions, logs, mandates and approvals (issue 10: deploy, try, runs, approvals inbox). */
export type Deployment = paths['/deployments']['get']['responses'][200]['content']['application/json']['data'][number];
export type Execution = paths['/executions/{id}']['get']['responses'][200]['content']['application/json'];
export type ExecutionStatus = Execution['status'];
export type ExecutionQuery = NonNullable<paths['/executions']['get']['parameters']['query']>;
export type Mandate = paths['/mandates']['get']['responses'][200]['content']['application/json']['data'][number];
export type LogLine = paths['/executions/{id}/logs']['get']['responses'][200]['content']['application/json']['data'][number];
export type Receipt = paths['/receipts']['get']['responses'][200]['content']['application/json']['data'][number];
type PolicyRow = paths['/policies']['get']['responses'][200]['content']['application/json']['data'][number];
/** The policy's rules come back as extra properties; the ones the mandate modal shows. */
export type Policy = PolicyRow & { currency?: string; per_tx_cap?: number | null; daily_limit?: number | null; vendor_allowlist?: string[] | null; approval_threshold?: number | null };

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['queued', 'awaiting_approval', 'running', 'succeeded', 'failed', 'timed_out', 'aborted', 'rejected'];
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'timed_out', 'aborted', 'rejected']);
export const isFinal = (status: string) => FINAL_STATUSES.has(status);

function useUser(): string {
  return useSession()?.userId ?? 'anonymous';
}

export function usePolicies(agentAccountId: string | undefined) {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'policies', { agentAccountId }],
    enabled: Boolean(agentAccountId),
    queryFn: async ({ signal }) => (await unwrap(api.GET('/policies', { params: { query: { agent_account_id: agentAccountId, limit: 100 } }, signal }))).data as Policy[],
  });
}

export function useDeployments(query: { agent_id?: string; limit?: number; starting_after?: string } = {}) {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'deployments', query],
    queryFn: ({ signal }) => unwrap(api.GET('/deployments', { params: { query: { limit: 100, ...query } }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useExecutionList(query: ExecutionQuery, poll = true) {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'executions', 'list', query],
    queryFn: ({ signal }) => unwrap(api.GET('/executions', { params: { query }, signal })),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (poll && q.state.data?.data.some((e) => !isFinal(e.status)) ? 3000 : false),
  });
}

/** One execution, polled every second until it reaches a final status. */
export function useExecution(id: string | undefined) {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'executions', 'one', id],
    enabled: Boolean(id),
    queryFn: ({ signal }) => unwrap(api.GET('/executions/{id}', { params: { path: { id: id ?? '' } }, signal })),
    refetchInterval: (q) => (q.state.data && isFinal(q.state.data.status) ? false : 1000),
  });
}

/** The log lines, fetched page after page with `after`; polled while the run is not final. */
export function useExecutionLogs(id: string | undefined, live: boolean) {
  const user = useUser();
  return useInfiniteQuery({
    queryKey: [user, 'executions', 'logs', id],
    enabled: Boolean(id),
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) => unwrap(api.GET('/executions/{id}/logs', { params: { path: { id: id ?? '' }, query: { after: pageParam, limit: 500 } }, signal })),
    getNextPageParam: (last) => (last.has_more ? last.next_after : undefined),
    refetchInterval: live ? 1000 : false,
  });
}

/** The receipts of one payment: the account's chain paged through (it has no payment filter), newest pages last. */
export function usePaymentReceipts(agentAccountId: string | undefined, paymentId: string | null | undefined, refreshKey: string) {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'receipts', { agentAccountId, paymentId, refreshKey }],
    enabled: Boolean(agentAccountId && paymentId),
    queryFn: async ({ signal }) => {
      const found: Receipt[] = [];
      let after: number | undefined;
      for (let page = 0; page < 50; page++) {
        const list = await unwrap(api.GET('/receipts', { params: { query: { agent_account_id: agentAccountId ?? '', after_seq: after, limit: 100 } }, signal }));
        found.push(...list.data.filter((r) => r.payment_id === paymentId));
        if (!list.has_more || list.next_after_seq === null) break;
        after = list.next_after_seq;
      }
      return found;
    },
  });
}

export function usePendingMandates() {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'mandates', 'pending'],
    refetchInterval: 15_000,
    queryFn: async ({ signal }) => {
      const list = await unwrap(api.GET('/mandates', { params: { query: { limit: 100, status: 'pending_approval' } }, signal }));
      return { data: list.data as Mandate[], more: list.has_more };
    },
  });
}

/** Refreshes everything a deploy, run or decision changes, the nav's approvals badge included. */
export function useInvalidateRuns() {
  const client = useQueryClient();
  const user = useUser();
  return () =>
    Promise.all(
      ['executions', 'deployments', 'mandates', 'approvals-count', 'receipts', 'payments', 'agent-accounts'].map((k) => client.invalidateQueries({ queryKey: [user, k] })),
    );
}

export function useDecideMandate() {
  const invalidate = useInvalidateRuns();
  return useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: 'approve' | 'reject' }) =>
      decision === 'approve'
        ? unwrap(api.POST('/mandates/{id}/approve', { params: { path: { id } }, headers: { 'idempotency-key': idempotencyKey() } }))
        : unwrap(api.POST('/mandates/{id}/reject', { params: { path: { id } }, headers: { 'idempotency-key': idempotencyKey() } })),
    onSettled: () => invalidate(),
  });
}

export type DeploymentPatch = paths['/deployments/{id}']['patch']['requestBody']['content']['application/json'];

export function useUpdateDeployment() {
  const invalidate = useInvalidateRuns();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: DeploymentPatch }) => unwrap(api.PATCH('/deployments/{id}', { params: { path: { id } }, body })),
    onSettled: () => invalidate(),
  });
}

export function useDeleteDeployment() {
  const invalidate = useInvalidateRuns();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/deployments/{id}', { params: { path: { id } } })),
    onSettled: () => invalidate(),
  });
}

/** Pretty JSON for display. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}

/** The claims of a compact JWS, decoded (not verified) from its payload segment. */
export function decodeJwsPayload(jws: string): Record<string, unknown> | null {
  const part = jws.split('.')[1];
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
