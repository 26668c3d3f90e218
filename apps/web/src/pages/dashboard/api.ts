import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths } from '@frameos/client/schema';
import { api, idempotencyKey, unwrap } from '@/api/client';
import { useSession } from '@/auth/session';

/** Query hooks and mutations of the dashboard pages (payments, receipts, accounts, policies, keys, webhooks, members). */

type Json<P extends keyof paths, M extends 'get' | 'post' | 'patch', C extends number> = paths[P][M] extends {
  responses: { [K in C]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type Payment = Json<'/payments/{id}', 'get', 200>;
export type Refund = Json<'/payments/{id}/refunds', 'get', 200>['data'][number];
export type ReceiptBase = Json<'/receipts', 'get', 200>['data'][number];
/** The API sends the whole signed receipt body (the schema lists the chain fields; the rest passes through). */
export type Receipt = ReceiptBase & {
  event?: string;
  payment_id?: string;
  payment_status?: string;
  vendor?: string;
  rail?: string;
  amount?: number;
  currency?: string;
  created_at?: string;
  [key: string]: unknown;
};
export type ChainVerification = Json<'/receipts/verify', 'get', 200>;
export type CreatedAgentAccount = Json<'/agent-accounts', 'post', 201>;
export type PolicyMeta = Json<'/policies/{id}', 'get', 200>;
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export interface TimeWindow {
  start: string;
  end: string;
  timezone: string;
  days?: Weekday[];
}
export interface PolicyRules {
  currency: string;
  vendor_allowlist: string[];
  per_tx_cap: number;
  daily_limit: number;
  approval_threshold?: number | null;
  time_window?: TimeWindow | null;
  ip_allowlist?: string[] | null;
}
/** Policies come back with their rules (the schema types only the metadata and lets the rules pass through). */
export type Policy = PolicyMeta & PolicyRules;
export type ApiKey = Json<'/api-keys', 'get', 200>['data'][number];
export type WebhookEndpoint = Json<'/webhook-endpoints/{id}', 'get', 200>;
export type WebhookEvent = WebhookEndpoint['events'][number];
export type Delivery = Json<'/webhook-endpoints/{id}/deliveries', 'get', 200>['data'][number];
export type Member = Json<'/members', 'get', 200>['data'][number];
export type Role = Member['role'];

export const WEBHOOK_EVENTS: readonly WebhookEvent[] = [
  'payment.settled',
  'payment.failed',
  'payment.refunded',
  'mandate.pending_approval',
  'mandate.approved',
  'execution.succeeded',
  'execution.failed',
  'agent.event',
];
export const ROLES: readonly Role[] = ['owner', 'admin', 'member', 'viewer'];

function useUser(): string {
  return useSession()?.userId ?? 'anonymous';
}

const idem = () => ({ 'Idempotency-Key': idempotencyKey() });

// ---- payments ----

export function usePayments(query: { limit: number; starting_after?: string; agent_account_id?: string }) {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'payments', query],
    queryFn: ({ signal }) => unwrap(api.GET('/payments', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function usePayment(id: string) {
  const user = useUser();
  return useQuery({ queryKey: [user, 'payment', id], queryFn: ({ signal }) => unwrap(api.GET('/payments/{id}', { params: { path: { id } }, signal })) });
}

export function useRefunds(id: string) {
  const user = useUser();
  return useQuery({ queryKey: [user, 'payment', id, 'refunds'], queryFn: ({ signal }) => unwrap(api.GET('/payments/{id}/refunds', { params: { path: { id } }, signal })) });
}

export function useRefund(id: string) {
  const user = useUser();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { amount?: number; reason: string }) => unwrap(api.POST('/payments/{id}/refunds', { params: { path: { id } }, body, headers: idem() })),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: [user, 'payment', id] });
      void client.invalidateQueries({ queryKey: [user, 'payments'] });
      void client.invalidateQueries({ queryKey: [user, 'receipts'] });
      void client.invalidateQueries({ queryKey: [user, 'agent-accounts'] });
    },
  });
}

// ---- receipts ----

export function useReceipts(agentAccountId: string | undefined, afterSeq: number, limit = 50) {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'receipts', agentAccountId, { afterSeq, limit }],
    enabled: Boolean(agentAccountId),
    placeholderData: keepPreviousData,
    queryFn: async ({ signal }) => {
      const page = await unwrap(api.GET('/receipts', { params: { query: { agent_account_id: agentAccountId ?? '', after_seq: afterSeq, limit } }, signal }));
      return { ...page, data: page.data as Receipt[] };
    },
  });
}

/** Every receipt of the chain, page by page (for the JSON download and a payment's receipts). */
export async function fetchWholeChain(agentAccountId: string, signal?: AbortSignal): Promise<Receipt[]> {
  const all: Receipt[] = [];
  let after = 0;
  for (let i = 0; i < 1000; i++) {
    const page = await unwrap(api.GET('/receipts', { params: { query: { agent_account_id: agentAccountId, after_seq: after, limit: 100 } }, signal }));
    all.push(...(page.data as Receipt[]));
    if (!page.has_more || page.next_after_seq === null) break;
    after = page.next_after_seq;
  }
  return all;
}

export function usePaymentReceipts(payment: Payment | undefined) {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'receipts', payment?.agent_account_id, 'payment', payment?.payment_id, payment?.refunded_amount, payment?.status],
    enabled: Boolean(payment),
    queryFn: async ({ signal }) => (await fetchWholeChain(payment!.agent_account_id, signal)).filter((r) => r.payment_id === payment!.payment_id),
  });
}

export function useVerifyChain() {
  return useMutation({
    mutationFn: (agentAccountId: string) => unwrap(api.GET('/receipts/verify', { params: { query: { agent_account_id: agentAccountId } } })),
  });
}

// ---- agent accounts ----

export function useCreateAgentAccount() {
  const user = useUser();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; risk_tier: 'LOW' | 'MEDIUM' | 'HIGH' }) => unwrap(api.POST('/agent-accounts', { body, headers: idem() })),
    onSuccess: () => void client.invalidateQueries({ queryKey: [user, 'agent-accounts'] }),
  });
}

export function useTopUp(id: string) {
  const user = useUser();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { amount: number; currency: string }) => unwrap(api.POST('/agent-accounts/{id}/top-ups', { params: { path: { id } }, body, headers: idem() })),
    onSuccess: () => void client.invalidateQueries({ queryKey: [user, 'agent-accounts'] }),
  });
}

export function useCreateAgentKey() {
  const user = useUser();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/agent-accounts/{id}/api-keys', { params: { path: { id } }, headers: idem() })),
    onSuccess: () => void client.invalidateQueries({ queryKey: [user, 'api-keys'] }),
  });
}

// ---- policies ----

export function usePolicies() {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'policies'],
    queryFn: async ({ signal }) => {
      const all: Policy[] = [];
      let after: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await unwrap(api.GET('/policies', { params: { query: { limit: 100, starting_after: after } }, signal }));
        all.push(...(page.data as Policy[]));
        if (!page.has_more || !page.next_cursor) break;
        after = page.next_cursor;
      }
      return all;
    },
  });
}

export type PolicyCreate = PolicyRules & { agent_account_id: string; name: string };

export function useSavePolicy() {
  const user = useUser();
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string | null; body: PolicyCreate }): Promise<Policy> => {
      if (id === null) return (await unwrap(api.POST('/policies', { body, headers: idem() }))) as Policy;
      const { agent_account_id: _unused, ...changes } = body;
      return (await unwrap(api.PATCH('/policies/{id}', { params: { path: { id } }, body: changes }))) as Policy;
    },
    onSuccess: () => void Promise.all(['policies', 'policy-spend', 'policy-versions'].map((k) => client.invalidateQueries({ queryKey: [user, k] }))),
  });
}

export type PolicyVersion = Json<'/policies/{id}/versions', 'get', 200>['data'][number] & PolicyRules;

/** Every version of a policy, newest first (loaded when its history is opened). */
export function usePolicyVersions(policyId: string | null) {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'policy-versions', policyId],
    enabled: policyId !== null,
    queryFn: async ({ signal }) => (await unwrap(api.GET('/policies/{id}/versions', { params: { path: { id: policyId ?? '' } }, signal }))).data as PolicyVersion[],
  });
}

// ---- API keys ----

export function useApiKeys() {
  const user = useUser();
  return useQuery({ queryKey: [user, 'api-keys'], queryFn: ({ signal }) => unwrap(api.GET('/api-keys', { signal })) });
}

export function useCreateOrgKey() {
  const user = useUser();
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api-keys', { headers: idem() })),
    onSuccess: () => void client.invalidateQueries({ queryKey: [user, 'api-keys'] }),
  });
}

export function useRevokeKey() {
  const user = useUser();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api-keys/{id}/revoke', { params: { path: { id } }, headers: idem() })),
    onSettled: () => void client.invalidateQueries({ queryKey: [user, 'api-keys'] }),
  });
}

// ---- webhook endpoints ----

export function useWebhookEndpoints() {
  const user = useUser();
  return useQuery({ queryKey: [user, 'webhook-endpoints'], queryFn: ({ signal }) => unwrap(api.GET('/webhook-endpoints', { params: { query: { limit: 100 } }, signal })) });
}

function useInvalidateEndpoints() {
  const user = useUser();
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: [user, 'webhook-endpoints'] });
}

export function useCreateEndpoint() {
  const done = useInvalidateEndpoints();
  return useMutation({
    mutationFn: (body: { url: string; events: WebhookEvent[] }) => unwrap(api.POST('/webhook-endpoints', { body, headers: idem() })),
    onSuccess: done,
  });
}

export function useUpdateEndpoint() {
  const done = useInvalidateEndpoints();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: { events?: WebhookEvent[]; enabled?: boolean } }) =>
      unwrap(api.PATCH('/webhook-endpoints/{id}', { params: { path: { id } }, body })),
    onSettled: done,
  });
}

export function useRotateSecret() {
  const done = useInvalidateEndpoints();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/webhook-endpoints/{id}/rotate-secret', { params: { path: { id } }, headers: idem() })),
    onSuccess: done,
  });
}

export function useDeleteEndpoint() {
  const done = useInvalidateEndpoints();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/webhook-endpoints/{id}', { params: { path: { id } } })),
    onSettled: done,
  });
}

export function useDeliveries(endpointId: string | null, startingAfter?: string) {
  const user = useUser();
  return useQuery({
    queryKey: [user, 'webhook-endpoints', endpointId, 'deliveries', startingAfter],
    enabled: endpointId !== null,
    placeholderData: keepPreviousData,
    queryFn: ({ signal }) =>
      unwrap(api.GET('/webhook-endpoints/{id}/deliveries', { params: { path: { id: endpointId ?? '' }, query: { limit: 20, starting_after: startingAfter } }, signal })),
  });
}

export function useReplayDelivery() {
  const done = useInvalidateEndpoints();
  return useMutation({
    mutationFn: ({ endpointId, deliveryId }: { endpointId: string; deliveryId: string }) =>
      unwrap(api.POST('/webhook-endpoints/{id}/deliveries/{delivery_id}/replay', { params: { path: { id: endpointId, delivery_id: deliveryId } }, headers: idem() })),
    onSettled: done,
  });
}

// ---- members ----

export function useMembers() {
  const user = useUser();
  return useQuery({ queryKey: [user, 'members'], queryFn: ({ signal }) => unwrap(api.GET('/members', { signal })) });
}

function useInvalidateMembers() {
  const user = useUser();
  const client = useQueryClient();
  return () => void client.invalidateQueries({ queryKey: [user, 'members'] });
}

export function useAddMember() {
  const done = useInvalidateMembers();
  return useMutation({
    mutationFn: (body: { email: string; password?: string; role: Role }) => unwrap(api.POST('/members', { body, headers: idem() })),
    onSuccess: done,
  });
}

export function useChangeRole() {
  const done = useInvalidateMembers();
  return useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) => unwrap(api.PATCH('/members/{id}', { params: { path: { id } }, body: { role } })),
    onSettled: done,
  });
}

export function useRemoveMember() {
  const done = useInvalidateMembers();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/members/{id}', { params: { path: { id } } })),
    onSettled: done,
  });
}
