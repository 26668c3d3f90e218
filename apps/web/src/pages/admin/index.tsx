import { useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, idempotencyKey, unwrap } from '@/api/client';
import type { paths } from '@frameos/client/schema';
import { canWrite, useSession } from '@/auth/session';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Select } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { formatMoney } from '@/lib/money';
import { formatDateTime } from '@/lib/time';
import { Checks, reviewVariant } from '../developer/checks';

type AdminStatus = NonNullable<NonNullable<paths['/admin/agents']['get']['parameters']['query']>['status']>;
type AdminAgent = paths['/admin/agents']['get']['responses'][200]['content']['application/json']['data'][number];
type AdminVersion = AdminAgent['versions'][number];

const STATUSES: { value: AdminStatus; label: string }[] = [
  { value: 'pending_review', label: 'Pending review' },
  { value: 'approved', label: 'Approved' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'suspended', label: 'Suspended' },
];

function useAdminAgents(status: AdminStatus) {
  const user = useSession()?.userId ?? 'anonymous';
  return useInfiniteQuery({
    queryKey: [user, 'admin-agents', status],
    retry: false,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET('/admin/agents', { params: { query: { status, limit: 20, ...(pageParam ? { starting_after: pageParam } : {}) } }, signal })),
    getNextPageParam: (last) => (last.has_more && last.next_cursor ? last.next_cursor : undefined),
  });
}

function CodeView({ agentId, version }: { agentId: string; version: string }) {
  const user = useSession()?.userId ?? 'anonymous';
  const code = useQuery({
    queryKey: [user, 'admin-code', agentId, version],
    staleTime: Infinity,
    queryFn: ({ signal }) => unwrap(api.GET('/admin/agents/{id}/versions/{version}/code', { params: { path: { id: agentId, version } }, parseAs: 'text', signal })),
  });
  if (code.isError) return <ErrorState error={code.error} onRetry={() => void code.refetch()} title="The code could not be loaded" />;
  if (code.data === undefined) return <LoadingRows rows={2} label="Loading the code" />;
  return (
    <pre tabIndex={0} aria-label={`Code of ${agentId} ${version}`} className="max-h-96 overflow-auto rounded-md bg-slate-950 p-4 font-mono text-xs leading-relaxed text-slate-100">
      <code>{String(code.data)}</code>
    </pre>
  );
}

type Action = { kind: 'approve' | 'reject'; version: string } | { kind: 'suspend' } | { kind: 'unsuspend' };

const ACTION_TEXT = {
  approve: { title: 'Approve', button: 'Approve', reason: 'Note for the developer (optional)', variant: 'default' },
  reject: { title: 'Reject', button: 'Reject', reason: 'Reason (required, shown to the developer)', variant: 'destructive' },
  suspend: { title: 'Suspend', button: 'Suspend', reason: 'Reason (required)', variant: 'destructive' },
  unsuspend: { title: 'Unsuspend', button: 'Unsuspend', reason: null, variant: 'default' },
} as const;

function ActionDialog({ agent, action, onClose }: { agent: AdminAgent; action: Action; onClose: () => void }) {
  const queryClient = useQueryClient();
  const user = useSession()?.userId ?? 'anonymous';
  const [reason, setReason] = useState('');
  const reasonId = useId();
  const text = ACTION_TEXT[action.kind];
  const needsReason = action.kind === 'reject' || action.kind === 'suspend';
  const decide = useMutation({
    mutationFn: async () => {
      const path = { id: agent.agent_id };
      const headers = { 'idempotency-key': idempotencyKey() };
      const why = reason.trim();
      switch (action.kind) {
        case 'approve':
          return unwrap(api.POST('/admin/agents/{id}/approve', { params: { path }, headers, body: { version: action.version, ...(why ? { reason: why } : {}) } }));
        case 'reject':
          return unwrap(api.POST('/admin/agents/{id}/reject', { params: { path }, headers, body: { version: action.version, reason: why } }));
        case 'suspend':
          return unwrap(api.POST('/admin/agents/{id}/suspend', { params: { path }, headers, body: { reason: why } }));
        case 'unsuspend':
          return unwrap(api.POST('/admin/agents/{id}/unsuspend', { params: { path }, headers }));
      }
    },
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: [user, 'admin-agents'] }),
        queryClient.invalidateQueries({ queryKey: [user, 'agents'] }),
        queryClient.invalidateQueries({ queryKey: [user, 'agent', agent.agent_id] }),
      ]);
      onClose();
    },
  });
  const target = 'version' in action ? `${agent.name} v${action.version}` : agent.name;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>
            {text.title} {target}?
          </DialogTitle>
          <DialogDescription>
            {action.kind === 'approve' && 'The version becomes available; the catalogue lists it when it is the highest approved version.'}
            {action.kind === 'reject' && 'The developer sees the reason on their Developer page.'}
            {action.kind === 'suspend' && 'The agent leaves the catalogue; deploys and runs answer agent_not_available until it is unsuspended.'}
            {action.kind === 'unsuspend' && 'The agent is listed again.'}
          </DialogDescription>
        </DialogHeader>
        <form
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (needsReason && reason.trim() === '') return;
            decide.mutate();
          }}
        >
          {text.reason && (
            <div className="flex flex-col gap-1.5">
              <Label htmlFor={reasonId}>{text.reason}</Label>
              <textarea
                id={reasonId}
                rows={3}
                required={needsReason}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                className="w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600"
              />
            </div>
          )}
          {decide.isError && <ErrorState error={decide.error} title={`Could not ${action.kind}`} />}
          <DialogFooter>
            <DialogClose asChild>
              <Button type="button" variant="secondary">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" variant={text.variant} disabled={decide.isPending || (needsReason && reason.trim() === '')}>
              {decide.isPending ? 'Saving…' : text.button}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function manifestSummary(manifest: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const pricing = manifest.pricing as { model?: string; amount?: number; currency?: string } | undefined;
  if (pricing?.amount !== undefined && pricing.currency) lines.push(`${formatMoney(pricing.amount, pricing.currency)} · ${pricing.model?.replaceAll('_', ' ') ?? ''}`);
  const caps = manifest.capabilities;
  lines.push(`Capabilities: ${Array.isArray(caps) && caps.length ? caps.join(', ') : 'none'}`);
  const runtime = manifest.runtime as { language?: string; version?: string; timeout_ms?: number; memory_mb?: number } | undefined;
  if (runtime) lines.push(`Runtime: ${runtime.language ?? '?'} ${runtime.version ?? ''}, ${runtime.timeout_ms ?? '?'} ms, ${runtime.memory_mb ?? '?'} MB`);
  return lines;
}

function VersionBlock({ agent, version, writable, onAction }: { agent: AdminAgent; version: AdminVersion; writable: boolean; onAction: (a: Action) => void }) {
  const [showCode, setShowCode] = useState(false);
  const description = typeof version.manifest.description === 'string' ? version.manifest.description : '';
  return (
    <div className="flex flex-col gap-3 border-t border-slate-200 p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h4 className="font-mono text-sm font-semibold text-slate-900">v{version.version}</h4>
        <Badge variant={reviewVariant(version.status)}>{version.status.replaceAll('_', ' ')}</Badge>
        <span className="text-xs text-slate-600">uploaded {formatDateTime(version.created_at)}</span>
      </div>
      {description && <p className="text-sm text-slate-700">{description}</p>}
      <ul className="text-sm text-slate-700">
        {manifestSummary(version.manifest).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {version.review_reason && (
        <p className="text-sm text-slate-700">
          Review: {version.review_reason} <span className="text-slate-600">({formatDateTime(version.reviewed_at)})</span>
        </p>
      )}
      <div>
        <h5 className="mb-1 text-sm font-semibold text-slate-900">Static checks</h5>
        <Checks checks={version.checks} />
      </div>
      <p className="font-mono text-xs break-all text-slate-600">
        sha256 {version.code_sha256} · {version.code_size.toLocaleString()} bytes
      </p>
      <details className="text-sm">
        <summary className="cursor-pointer text-indigo-700">Manifest JSON</summary>
        <pre className="mt-2 max-h-80 overflow-auto rounded-md bg-slate-100 p-3 font-mono text-xs text-slate-900">{JSON.stringify(version.manifest, null, 2)}</pre>
      </details>
      <div className="flex flex-wrap gap-2">
        <Button type="button" variant="secondary" size="sm" aria-expanded={showCode} onClick={() => setShowCode((s) => !s)}>
          {showCode ? 'Hide code' : 'Show code'}
        </Button>
        {writable && version.status === 'pending_review' && (
          <>
            <Button type="button" size="sm" onClick={() => onAction({ kind: 'approve', version: version.version })}>
              Approve v{version.version}
            </Button>
            <Button type="button" size="sm" variant="destructive" onClick={() => onAction({ kind: 'reject', version: version.version })}>
              Reject v{version.version}
            </Button>
          </>
        )}
      </div>
      {showCode && <CodeView agentId={agent.agent_id} version={version.version} />}
    </div>
  );
}

function AgentCard({ agent, writable }: { agent: AdminAgent; writable: boolean }) {
  const [action, setAction] = useState<Action | null>(null);
  return (
    <li>
      <Card>
        <CardHeader className="sm:flex-row sm:items-start sm:justify-between">
          <div>
            <CardTitle as="h2">{agent.name}</CardTitle>
            <CardDescription>
              <span className="font-mono">{agent.agent_id}</span> · by {agent.developer.name} ({agent.developer.email}) · org{' '}
              <span className="font-mono">{agent.developer.org_id}</span>
            </CardDescription>
            <p className="mt-1 text-sm text-slate-600">Listed version: {agent.latest_approved_version ?? 'none yet'}</p>
            {agent.suspended_reason && <p className="mt-1 text-sm text-red-800">Suspended: {agent.suspended_reason}</p>}
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <Badge variant={reviewVariant(agent.status)}>{agent.status.replaceAll('_', ' ')}</Badge>
            {writable && agent.status === 'suspended' && (
              <Button type="button" size="sm" variant="secondary" onClick={() => setAction({ kind: 'unsuspend' })}>
                Unsuspend
              </Button>
            )}
            {writable && agent.status !== 'suspended' && (
              <Button type="button" size="sm" variant="secondary" onClick={() => setAction({ kind: 'suspend' })}>
                Suspend
              </Button>
            )}
          </div>
        </CardHeader>
        <CardContent className="p-0">
          {agent.versions.map((v) => (
            <VersionBlock key={v.version} agent={agent} version={v} writable={writable} onAction={setAction} />
          ))}
        </CardContent>
      </Card>
      {action && <ActionDialog agent={agent} action={action} onClose={() => setAction(null)} />}
    </li>
  );
}

export default function AdminReview() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const status = (STATUSES.find((s) => s.value === params.get('status'))?.value ?? 'pending_review') as AdminStatus;
  const agents = useAdminAgents(status);
  const writable = canWrite(session);
  const items = agents.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div>
      <PageHeader title="Agent review" description="Platform admins: review uploaded versions (static checks, manifest, code), approve, reject, suspend." />
      <div className="mb-6 flex max-w-xs flex-col gap-1.5">
        <Label htmlFor="review-status">Show</Label>
        <Select
          id="review-status"
          value={status}
          onChange={(e) => setParams(e.target.value === 'pending_review' ? {} : { status: e.target.value })}
        >
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </Select>
      </div>
      {agents.isError ? (
        <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />
      ) : !agents.data ? (
        <LoadingRows rows={3} label="Loading the review queue" />
      ) : items.length === 0 ? (
        <EmptyState title={status === 'pending_review' ? 'Nothing waits for review' : `No ${STATUSES.find((s) => s.value === status)?.label.toLowerCase()} agents`}>
          New versions appear here when a developer registers them.
        </EmptyState>
      ) : (
        <>
          <ul className="flex flex-col gap-6">
            {items.map((agent) => (
              <AgentCard key={agent.agent_id} agent={agent} writable={writable} />
            ))}
          </ul>
          {agents.hasNextPage && (
            <div className="mt-6">
              <Button variant="secondary" disabled={agents.isFetchingNextPage} onClick={() => void agents.fetchNextPage()}>
                {agents.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
