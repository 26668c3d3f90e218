import { useMutation } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ArrowLeft } from 'lucide-react';
import { api, ApiError, idempotencyKey, unwrap } from '@/api/client';
import { isFinal, useExecution, useInvalidateRuns, usePaymentReceipts } from '@/api/runs';
import { canWrite, useSession } from '@/auth/session';
import { JsonBlock, RunView } from '@/components/runs/run-view';
import { EmptyState, ErrorState, LoadingRows } from '@/components/states';
import { StatusBadge } from '@/components/status-badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatDateTime } from '@/lib/time';

function Receipts({ agentAccountId, paymentId, status }: { agentAccountId: string; paymentId: string | null; status: string }) {
  const receipts = usePaymentReceipts(agentAccountId, paymentId, status);
  if (!paymentId) return <p className="text-sm text-slate-600">No payment yet, so no receipts.</p>;
  if (receipts.isError) return <ErrorState title="Could not load the receipts" error={receipts.error} onRetry={() => void receipts.refetch()} />;
  if (!receipts.data) return <LoadingRows rows={2} label="Loading the receipts" />;
  if (receipts.data.length === 0) return <EmptyState title="No receipts for this payment yet" />;
  return (
    <Table>
      <caption className="sr-only">Receipts of the payment</caption>
      <TableHeader>
        <TableRow>
          <TableHead>Seq</TableHead>
          <TableHead>Event</TableHead>
          <TableHead className="text-right">Amount</TableHead>
          <TableHead>Hash</TableHead>
          <TableHead>When</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {receipts.data.map((r) => (
          <TableRow key={r.receipt_id}>
            <TableCell className="tabular-nums">{r.seq}</TableCell>
            <TableCell>
              {String(r.event ?? '')}
              <div className="font-mono text-xs text-slate-600">{r.receipt_id}</div>
            </TableCell>
            <TableCell className="text-right tabular-nums">{typeof r.amount === 'number' && typeof r.currency === 'string' ? formatMoney(r.amount, r.currency) : '—'}</TableCell>
            <TableCell className="font-mono text-xs" title={r.hash}>
              {r.hash.slice(0, 12)}…
            </TableCell>
            <TableCell className="whitespace-nowrap">{formatDateTime(typeof r.created_at === 'string' ? r.created_at : null)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export default function ExecutionDetail() {
  const { executionId = '' } = useParams();
  const execution = useExecution(executionId);
  const writer = canWrite(useSession());
  const invalidate = useInvalidateRuns();
  const abort = useMutation({
    mutationFn: () => unwrap(api.POST('/executions/{id}/abort', { params: { path: { id: executionId } }, headers: { 'idempotency-key': idempotencyKey() } })),
    onSettled: () => void invalidate(),
  });
  const back = (
    <Link to="/dashboard/executions" className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-indigo-700 hover:underline">
      <ArrowLeft className="h-4 w-4" aria-hidden="true" /> All executions
    </Link>
  );
  if (execution.isError) {
    const missing = execution.error instanceof ApiError && (execution.error.status === 404 || execution.error.code === 'validation_error');
    return (
      <div>
        {back}
        {missing ? <EmptyState title="No such execution">It may belong to another organization.</EmptyState> : <ErrorState error={execution.error} onRetry={() => void execution.refetch()} />}
      </div>
    );
  }
  if (!execution.data)
    return (
      <div>
        {back}
        <LoadingRows rows={5} label="Loading the execution" />
      </div>
    );
  const e = execution.data;
  return (
    <div>
      {back}
      <div className="mb-6 flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">Run of {e.agent_id}</h1>
            <StatusBadge status={e.status} />
          </div>
          <p className="mt-1 font-mono text-sm break-all text-slate-600">
            {e.execution_id} · v{e.version} · {e.pricing_model.replaceAll('_', ' ')}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            Deployment{' '}
            <Link className="font-mono text-indigo-700 hover:underline" to={`/dashboard/executions?deployment_id=${e.deployment_id}`}>
              {e.deployment_id}
            </Link>{' '}
            · created {formatDateTime(e.created_at)} · ended {formatDateTime(e.completed_at)}
            {e.mandate_id && <> · mandate <span className="font-mono">{e.mandate_id}</span></>}
          </p>
        </div>
        {writer && !isFinal(e.status) && (
          <div className="flex flex-col items-end gap-2">
            <Button variant="destructive" disabled={abort.isPending} onClick={() => abort.mutate()}>
              {abort.isPending ? 'Aborting…' : 'Abort run'}
            </Button>
            {e.status === 'awaiting_approval' && (
              <Link className="text-sm text-indigo-700 hover:underline" to="/approvals">
                Approve it in the inbox
              </Link>
            )}
          </div>
        )}
      </div>
      {abort.isError && (
        <div className="mb-4">
          <ErrorState title="Could not abort" error={abort.error} />
        </div>
      )}
      <div className="grid min-w-0 grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="flex min-w-0 flex-col gap-6 lg:col-span-2">
          <Card>
            <CardHeader>
              <CardTitle as="h2">Run</CardTitle>
            </CardHeader>
            <CardContent>
              <RunView executionId={e.execution_id} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle as="h2">Receipts</CardTitle>
            </CardHeader>
            <CardContent>
              <Receipts agentAccountId={e.agent_account_id} paymentId={e.payment_id} status={e.status} />
            </CardContent>
          </Card>
        </div>
        <Card className="min-w-0">
          <CardHeader>
            <CardTitle as="h2">Inputs</CardTitle>
          </CardHeader>
          <CardContent>
            <JsonBlock value={e.inputs} label="Inputs" />
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
