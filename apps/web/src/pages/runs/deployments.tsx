import { useState } from 'react';
import { Link } from 'react-router';
import { useAgent } from '@/api/queries';
import { json, useDeleteDeployment, useDeployments, useUpdateDeployment, type Deployment } from '@/api/runs';
import { canWrite, useSession } from '@/auth/session';
import { TryDialog } from '@/components/runs/try-dialog';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { StatusBadge } from '@/components/status-badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatDateTime } from '@/lib/time';

function ConfigureDialog({ deployment, onClose }: { deployment: Deployment; onClose: () => void }) {
  const update = useUpdateDeployment();
  const [config, setConfig] = useState(json(deployment.config));
  const [hosts, setHosts] = useState(deployment.allowed_hosts.join('\n'));
  const [concurrency, setConcurrency] = useState(String(deployment.max_concurrency));
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Configure {deployment.agent_id}</DialogTitle>
          <DialogDescription className="font-mono">{deployment.deployment_id}</DialogDescription>
        </DialogHeader>
        <form
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            let parsed: unknown;
            try {
              parsed = JSON.parse(config);
            } catch {
              return setProblem('The config is not valid JSON.');
            }
            if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return setProblem('The config must be a JSON object.');
            const max = Number(concurrency);
            if (!Number.isInteger(max) || max < 1 || max > 100) return setProblem('Max concurrency is a whole number from 1 to 100.');
            setProblem(null);
            const allowed = hosts.split(/[\s,]+/).map((h) => h.trim()).filter(Boolean);
            update.mutate({ id: deployment.deployment_id, body: { config: parsed as Record<string, unknown>, allowed_hosts: allowed, max_concurrency: max } }, { onSuccess: onClose });
          }}
        >
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="cfg-json">Config (JSON object, given to the run as ctx.config)</Label>
            <textarea id="cfg-json" rows={6} spellCheck={false} value={config} onChange={(e) => setConfig(e.target.value)} className="w-full rounded-md border border-slate-400 px-3 py-2 font-mono text-sm focus-visible:outline-2 focus-visible:outline-indigo-600" />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="cfg-hosts">Allowed hosts (one a line; *.example.org for subdomains)</Label>
            <textarea id="cfg-hosts" rows={3} spellCheck={false} value={hosts} onChange={(e) => setHosts(e.target.value)} className="w-full rounded-md border border-slate-400 px-3 py-2 font-mono text-sm focus-visible:outline-2 focus-visible:outline-indigo-600" />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="cfg-max">Max concurrency (1–100)</Label>
            <Input id="cfg-max" type="number" min={1} max={100} value={concurrency} onChange={(e) => setConcurrency(e.target.value)} />
          </div>
          {problem && <p role="alert" className="text-sm text-red-800">{problem}</p>}
          {update.isError && <ErrorState title="Could not save" error={update.error} />}
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={update.isPending}>
              {update.isPending ? 'Saving…' : 'Save'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function DeleteDialog({ deployment, onClose }: { deployment: Deployment; onClose: () => void }) {
  const remove = useDeleteDeployment();
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Delete this deployment?</DialogTitle>
          <DialogDescription>
            {deployment.agent_id} (<span className="font-mono">{deployment.deployment_id}</span>): runs not yet started are aborted and their holds voided; running ones finish. This cannot be undone.
          </DialogDescription>
        </DialogHeader>
        {remove.isError && <ErrorState title="Could not delete" error={remove.error} />}
        <DialogFooter>
          <Button variant="secondary" onClick={onClose}>
            Keep it
          </Button>
          <Button variant="destructive" disabled={remove.isPending} onClick={() => remove.mutate(deployment.deployment_id, { onSuccess: onClose })}>
            {remove.isPending ? 'Deleting…' : 'Delete'}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function ExecuteDialog({ deployment, onClose }: { deployment: Deployment; onClose: () => void }) {
  const agent = useAgent(deployment.agent_id);
  if (agent.isError || !agent.data)
    return (
      <Dialog open onOpenChange={(o) => !o && onClose()}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Run {deployment.agent_id}</DialogTitle>
            <DialogDescription>Loading the agent's inputs.</DialogDescription>
          </DialogHeader>
          {agent.isError ? <ErrorState error={agent.error} onRetry={() => void agent.refetch()} /> : <LoadingRows rows={2} label="Loading the agent" />}
        </DialogContent>
      </Dialog>
    );
  const a = agent.data;
  return <TryDialog agent={{ agent_id: a.agent_id, name: a.manifest.name, input_schema: a.input_schema }} deploymentId={deployment.deployment_id} open onOpenChange={(o) => !o && onClose()} />;
}

type Open = { kind: 'configure' | 'delete' | 'execute'; deployment: Deployment } | null;

function Row({ d, writer, onOpen }: { d: Deployment; writer: boolean; onOpen: (o: Open) => void }) {
  const update = useUpdateDeployment();
  const pausable = d.status === 'active' || d.status === 'past_due';
  return (
    <TableRow>
      <TableCell>
        <Link className="font-medium text-indigo-700 hover:underline" to={`/marketplace/${d.agent_id}`}>
          {d.agent_id}
        </Link>
        <div className="font-mono text-xs text-slate-600">
          {d.deployment_id} · v{d.version}
        </div>
        <Link className="text-xs text-indigo-700 hover:underline" to={`/dashboard/executions?deployment_id=${d.deployment_id}`}>
          Runs
        </Link>
      </TableCell>
      <TableCell>
        <StatusBadge status={d.status} />
        {update.isError && <p role="alert" className="mt-1 max-w-48 text-xs text-red-800">{update.error.message}</p>}
      </TableCell>
      <TableCell className="text-right tabular-nums whitespace-nowrap">{formatMoney(d.pricing.amount, d.pricing.currency)}</TableCell>
      <TableCell className="text-xs">
        <div>max {d.max_concurrency} at once</div>
        <div className="text-slate-600">{d.allowed_hosts.length ? d.allowed_hosts.join(', ') : 'no outbound hosts'}</div>
        {d.secret_names.length > 0 && <div className="text-slate-600">secrets: {d.secret_names.join(', ')}</div>}
      </TableCell>
      <TableCell className="whitespace-nowrap">{formatDateTime(d.created_at)}</TableCell>
      {writer && (
        <TableCell>
          <div className="flex flex-wrap gap-1">
            <Button size="sm" disabled={d.status !== 'active'} onClick={() => onOpen({ kind: 'execute', deployment: d })}>
              Execute
            </Button>
            {pausable ? (
              <Button size="sm" variant="secondary" disabled={update.isPending} onClick={() => update.mutate({ id: d.deployment_id, body: { status: 'paused' } })}>
                Pause
              </Button>
            ) : (
              <Button size="sm" variant="secondary" disabled={update.isPending} onClick={() => update.mutate({ id: d.deployment_id, body: { status: 'active' } })}>
                Resume
              </Button>
            )}
            <Button size="sm" variant="secondary" onClick={() => onOpen({ kind: 'configure', deployment: d })}>
              Configure
            </Button>
            <Button size="sm" variant="ghost" className="text-red-800" onClick={() => onOpen({ kind: 'delete', deployment: d })}>
              Delete
            </Button>
          </div>
        </TableCell>
      )}
    </TableRow>
  );
}

export default function Deployments() {
  const writer = canWrite(useSession());
  const [cursors, setCursors] = useState<string[]>([]);
  const deployments = useDeployments({ limit: 25, starting_after: cursors.at(-1) });
  const [open, setOpen] = useState<Open>(null);
  const rows = deployments.data?.data.filter((d) => d.status !== 'deleted') ?? [];
  return (
    <div>
      <PageHeader title="Deployments" description="Marketplace agents deployed for your agent accounts, each paying under a policy." />
      <Card>
        <CardContent className="pt-6">
          {deployments.isError ? (
            <ErrorState error={deployments.error} onRetry={() => void deployments.refetch()} />
          ) : !deployments.data ? (
            <LoadingRows rows={4} label="Loading deployments" />
          ) : rows.length === 0 ? (
            <EmptyState title="No deployments">
              Deploy an agent from the{' '}
              <Link className="text-indigo-700 underline" to="/marketplace">
                marketplace
              </Link>
              .
            </EmptyState>
          ) : (
            <Table>
              <caption className="sr-only">Deployments</caption>
              <TableHeader>
                <TableRow>
                  <TableHead>Agent</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead className="text-right">Price</TableHead>
                  <TableHead>Limits</TableHead>
                  <TableHead>Created</TableHead>
                  {writer && <TableHead>Actions</TableHead>}
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((d) => (
                  <Row key={d.deployment_id} d={d} writer={writer} onOpen={setOpen} />
                ))}
              </TableBody>
            </Table>
          )}
          {(cursors.length > 0 || deployments.data?.has_more) && (
            <nav aria-label="Pages" className="mt-4 flex justify-between">
              <Button variant="secondary" size="sm" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
                Previous
              </Button>
              <Button variant="secondary" size="sm" disabled={!deployments.data?.has_more} onClick={() => deployments.data?.next_cursor && setCursors((c) => [...c, deployments.data.next_cursor ?? ''])}>
                Next
              </Button>
            </nav>
          )}
        </CardContent>
      </Card>
      {open?.kind === 'configure' && <ConfigureDialog deployment={open.deployment} onClose={() => setOpen(null)} />}
      {open?.kind === 'delete' && <DeleteDialog deployment={open.deployment} onClose={() => setOpen(null)} />}
      {open?.kind === 'execute' && <ExecuteDialog deployment={open.deployment} onClose={() => setOpen(null)} />}
    </div>
  );
}
