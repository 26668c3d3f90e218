import { Link } from 'react-router';
import { isFinal, json, useExecution, useExecutionLogs, type Execution } from '@/api/runs';
import { ErrorState, LoadingRows } from '@/components/states';
import { StatusBadge } from '@/components/status-badge';
import { formatMoney } from '@/lib/money';
import { formatDateTime, formatDuration } from '@/lib/time';

export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre aria-label={label} tabIndex={0} className="max-h-72 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">
      {json(value)}
    </pre>
  );
}

export function costText(e: Pick<Execution, 'status' | 'cost' | 'held'>): string {
  if (isFinal(e.status)) return formatMoney(e.cost.amount, e.cost.currency);
  return `${formatMoney(e.held.amount, e.held.currency)} held`;
}

export function LogList({ executionId, live }: { executionId: string; live: boolean }) {
  const logs = useExecutionLogs(executionId, live);
  if (logs.isError) return <ErrorState title="Could not load the logs" error={logs.error} onRetry={() => void logs.refetch()} />;
  if (!logs.data) return <LoadingRows rows={2} label="Loading the logs" />;
  const lines = logs.data.pages.flatMap((p) => p.data);
  const truncated = logs.data.pages.some((p) => p.logs_truncated);
  return (
    <div>
      {lines.length === 0 ? (
        <p className="text-sm text-slate-600">{live ? 'No log lines yet.' : 'The run wrote no log lines.'}</p>
      ) : (
        <ol aria-label="Log lines" aria-live={live ? 'polite' : undefined} tabIndex={0} className="max-h-72 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">
          {lines.map((l) => (
            <li key={l.seq} className="whitespace-pre-wrap">
              <span className="text-slate-400">{l.seq}</span> <span className={l.level === 'error' ? 'text-red-300' : l.level === 'warn' ? 'text-amber-300' : 'text-emerald-300'}>{l.level}</span> {l.message}
            </li>
          ))}
        </ol>
      )}
      {logs.hasNextPage && (
        <button type="button" className="mt-2 text-sm font-medium text-indigo-700 hover:underline" onClick={() => void logs.fetchNextPage()}>
          Load more lines
        </button>
      )}
      {truncated && <p className="mt-2 text-sm text-slate-600">The logs were truncated at 1 MiB.</p>}
    </div>
  );
}

/** A run, live: status (polled every second until final), logs, outputs or error, cost and payment. */
export function RunView({ executionId, compact = false }: { executionId: string; compact?: boolean }) {
  const execution = useExecution(executionId);
  if (execution.isError) return <ErrorState title="Could not load the run" error={execution.error} onRetry={() => void execution.refetch()} />;
  if (!execution.data) return <LoadingRows rows={3} label="Loading the run" />;
  const e = execution.data;
  const live = !isFinal(e.status);
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-2" aria-live="polite">
        <StatusBadge status={e.status} />
        {live && <span className="text-sm text-slate-600">{e.status === 'awaiting_approval' ? 'Waiting for a person to approve the payment.' : 'Updating every second…'}</span>}
      </div>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm break-all">
        <dt className="text-slate-600">Run</dt>
        <dd>
          <Link to={`/dashboard/executions/${e.execution_id}`} className="font-mono text-indigo-700 hover:underline">
            {e.execution_id}
          </Link>
        </dd>
        <dt className="text-slate-600">Cost</dt>
        <dd className="font-medium">{costText(e)}</dd>
        <dt className="text-slate-600">Duration</dt>
        <dd>{formatDuration(e.duration_ms)}</dd>
        {!compact && (
          <>
            <dt className="text-slate-600">Started</dt>
            <dd>{formatDateTime(e.started_at)}</dd>
          </>
        )}
        <dt className="text-slate-600">Payment</dt>
        <dd>
          {e.payment_id ? (
            <Link to={`/dashboard/payments/${e.payment_id}`} className="font-mono text-indigo-700 hover:underline">
              {e.payment_id}
            </Link>
          ) : (
            '—'
          )}
        </dd>
      </dl>
      {e.error && (
        <div role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          <p className="font-medium">{e.error.message}</p>
          <p className="font-mono text-xs">{e.error.code}</p>
        </div>
      )}
      {e.outputs && (
        <section>
          <h3 className="mb-1 text-sm font-medium text-slate-800">Outputs</h3>
          <JsonBlock value={e.outputs} label="Outputs" />
        </section>
      )}
      <section>
        <h3 className="mb-1 text-sm font-medium text-slate-800">Logs</h3>
        <LogList executionId={e.execution_id} live={live} />
      </section>
    </div>
  );
}
