import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { EXECUTION_STATUSES, useDeployments, useExecutionList, type ExecutionStatus } from '@/api/runs';
import { costText } from '@/components/runs/run-view';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { StatusBadge } from '@/components/status-badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Select } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatDateTime, formatDuration } from '@/lib/time';

const PAGE = 25;

export default function Executions() {
  const [params, setParams] = useSearchParams();
  const deploymentId = params.get('deployment_id') ?? '';
  const statusParam = params.get('status') ?? '';
  const status = (EXECUTION_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as ExecutionStatus) : undefined;
  const [cursors, setCursors] = useState<string[]>([]);
  const deployments = useDeployments();
  const executions = useExecutionList({ limit: PAGE, deployment_id: deploymentId || undefined, status, starting_after: cursors.at(-1) });

  function setFilter(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
    setCursors([]);
  }

  return (
    <div>
      <PageHeader title="Executions" description="Runs of your deployed agents; the list refreshes while one is still going." />
      <div className="mb-4 grid gap-3 sm:grid-cols-2 lg:max-w-2xl">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="filter-deployment">Deployment</Label>
          <Select id="filter-deployment" value={deploymentId} onChange={(e) => setFilter('deployment_id', e.target.value)}>
            <option value="">All deployments</option>
            {deploymentId && !deployments.data?.data.some((d) => d.deployment_id === deploymentId) && <option value={deploymentId}>{deploymentId}</option>}
            {deployments.data?.data.map((d) => (
              <option key={d.deployment_id} value={d.deployment_id}>
                {d.agent_id} · {d.deployment_id}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="filter-status">Status</Label>
          <Select id="filter-status" value={status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any status</option>
            {EXECUTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replaceAll('_', ' ')}
              </option>
            ))}
          </Select>
        </div>
      </div>
      <Card>
        <CardContent className="pt-6">
          {executions.isError ? (
            <ErrorState error={executions.error} onRetry={() => void executions.refetch()} />
          ) : !executions.data ? (
            <LoadingRows rows={5} label="Loading executions" />
          ) : executions.data.data.length === 0 ? (
            <EmptyState title={deploymentId || status ? 'No executions match these filters' : 'No executions yet'}>
              {deploymentId || status ? 'Change or clear the filters.' : 'Deploy an agent from the marketplace and run it with Try.'}
            </EmptyState>
          ) : (
            <Table>
              <caption className="sr-only">Executions</caption>
              <TableHeader>
                <TableRow>
                  <TableHead>Run</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead className="text-right">Duration</TableHead>
                  <TableHead className="text-right">Cost</TableHead>
                  <TableHead>Created</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {executions.data.data.map((e) => (
                  <TableRow key={e.execution_id}>
                    <TableCell>
                      <Link className="font-medium text-indigo-700 hover:underline" to={`/dashboard/executions/${e.execution_id}`}>
                        {e.agent_id}
                      </Link>
                      <div className="font-mono text-xs text-slate-600">
                        {e.execution_id} · v{e.version}
                      </div>
                    </TableCell>
                    <TableCell>
                      <StatusBadge status={e.status} />
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{formatDuration(e.duration_ms)}</TableCell>
                    <TableCell className="text-right tabular-nums whitespace-nowrap">{costText(e)}</TableCell>
                    <TableCell className="whitespace-nowrap">{formatDateTime(e.created_at)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          {(cursors.length > 0 || executions.data?.has_more) && (
            <nav aria-label="Pages" className="mt-4 flex items-center justify-between">
              <Button variant="secondary" size="sm" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
                Previous
              </Button>
              <span className="text-sm text-slate-600">Page {cursors.length + 1}</span>
              <Button variant="secondary" size="sm" disabled={!executions.data?.has_more || !executions.data.next_cursor} onClick={() => setCursors((c) => [...c, executions.data?.next_cursor ?? ''])}>
                Next
              </Button>
            </nav>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
