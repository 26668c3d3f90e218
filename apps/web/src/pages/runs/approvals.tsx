import { Link } from 'react-router';
import { decodeJwsPayload, useDecideMandate, useExecutionList, usePendingMandates, type Mandate } from '@/api/runs';
import { canWrite, useSession } from '@/auth/session';
import { JsonBlock } from '@/components/runs/run-view';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { StatusBadge } from '@/components/status-badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { formatMoney } from '@/lib/money';
import { formatDateTime } from '@/lib/time';

function MandateCard({ mandate, waitingRun, writer }: { mandate: Mandate; waitingRun?: string; writer: boolean }) {
  const decide = useDecideMandate();
  const claims = decodeJwsPayload(mandate.mandate);
  return (
    <Card>
      <CardHeader>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <CardTitle as="h3">
            {formatMoney(mandate.amount, mandate.currency)} to {mandate.vendor}
          </CardTitle>
          <StatusBadge status={mandate.status} />
        </div>
        <CardDescription>
          <span className="font-mono">{mandate.mandate_id}</span> · agent account <span className="font-mono">{mandate.agent_account_id}</span> · policy{' '}
          <span className="font-mono">{mandate.policy_id}</span> v{mandate.policy_version} · issued {formatDateTime(mandate.issued_at)} · expires {formatDateTime(mandate.expires_at)}
          {waitingRun && (
            <>
              {' '}
              · run{' '}
              <Link className="font-mono text-indigo-700 hover:underline" to={`/dashboard/executions/${waitingRun}`}>
                {waitingRun}
              </Link>
            </>
          )}
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <details>
          <summary className="cursor-pointer text-sm font-medium text-indigo-700">Signed claims (decoded, not verified in the browser)</summary>
          <div className="mt-2">
            {claims ? <JsonBlock value={claims} label={`Claims of ${mandate.mandate_id}`} /> : <p className="text-sm text-red-800">The mandate's payload could not be decoded.</p>}
            <p className="mt-1 text-xs text-slate-600">The JWS is EdDSA-signed; verify it with the keys at /.well-known/jwks.json. The server checks it on use.</p>
          </div>
        </details>
        {decide.isError && <ErrorState title="The decision was not recorded" error={decide.error} />}
        {writer && (
          <div className="flex gap-2">
            <Button disabled={decide.isPending} onClick={() => decide.mutate({ id: mandate.mandate_id, decision: 'approve' })}>
              {decide.isPending && decide.variables.decision === 'approve' ? 'Approving…' : 'Approve'}
            </Button>
            <Button variant="destructive" disabled={decide.isPending} onClick={() => decide.mutate({ id: mandate.mandate_id, decision: 'reject' })}>
              {decide.isPending && decide.variables.decision === 'reject' ? 'Rejecting…' : 'Reject'}
            </Button>
          </div>
        )}
      </CardContent>
    </Card>
  );
}

export default function Approvals() {
  const writer = canWrite(useSession());
  const mandates = usePendingMandates();
  const executions = useExecutionList({ status: 'awaiting_approval', limit: 100 }, false);
  const runByMandate = new Map((executions.data?.data ?? []).filter((e) => e.mandate_id).map((e) => [e.mandate_id as string, e.execution_id]));
  const pendingIds = new Set(mandates.data?.data.map((m) => m.mandate_id));
  // Runs whose mandate is not among the pending mandates listed (older than the pages read).
  const orphanRuns = (executions.data?.data ?? []).filter((e) => !e.mandate_id || !pendingIds.has(e.mandate_id));
  return (
    <div>
      <PageHeader
        title="Approvals"
        description={writer ? 'Payments that a policy sent to a person: approve to let them go through, reject to stop them.' : 'Payments waiting for a person. Viewers can look but not decide.'}
      />
      <section aria-labelledby="mandates-heading" className="mb-8">
        <h2 id="mandates-heading" className="mb-3 text-lg font-semibold text-slate-900">
          Mandates waiting {mandates.data && `(${mandates.data.data.length}${mandates.data.more ? '+' : ''})`}
        </h2>
        {mandates.isError ? (
          <ErrorState error={mandates.error} onRetry={() => void mandates.refetch()} />
        ) : !mandates.data ? (
          <LoadingRows rows={3} label="Loading the mandates" />
        ) : mandates.data.data.length === 0 ? (
          <EmptyState title="Nothing waits for approval">Payments over a policy's approval threshold will show up here.</EmptyState>
        ) : (
          <div className="flex flex-col gap-4">
            {mandates.data.data.map((m) => (
              <MandateCard key={m.mandate_id} mandate={m} waitingRun={runByMandate.get(m.mandate_id)} writer={writer} />
            ))}
          </div>
        )}
      </section>
      <section aria-labelledby="runs-heading">
        <h2 id="runs-heading" className="mb-3 text-lg font-semibold text-slate-900">
          Executions awaiting approval {executions.data && `(${executions.data.data.length}${executions.data.has_more ? '+' : ''})`}
        </h2>
        {executions.isError ? (
          <ErrorState error={executions.error} onRetry={() => void executions.refetch()} />
        ) : !executions.data ? (
          <LoadingRows rows={2} label="Loading the executions" />
        ) : executions.data.data.length === 0 ? (
          <EmptyState title="No runs are waiting" />
        ) : (
          <ul className="flex flex-col divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {executions.data.data.map((e) => (
              <li key={e.execution_id} className="flex flex-wrap items-center justify-between gap-2 p-3 text-sm">
                <div>
                  <Link className="font-medium text-indigo-700 hover:underline" to={`/dashboard/executions/${e.execution_id}`}>
                    {e.agent_id}
                  </Link>
                  <div className="font-mono text-xs text-slate-600">
                    {e.execution_id} · {formatDateTime(e.created_at)}
                  </div>
                </div>
                <div className="text-right">
                  <div className="tabular-nums">{formatMoney(e.held.amount, e.held.currency)} held</div>
                  <div className="text-xs text-slate-600">{e.mandate_id ? (pendingIds.has(e.mandate_id) ? 'decide on its mandate above' : `mandate ${e.mandate_id}`) : 'no mandate'}</div>
                </div>
              </li>
            ))}
          </ul>
        )}
        {orphanRuns.length > 0 && mandates.data && <p className="mt-2 text-sm text-slate-600">{orphanRuns.length} run(s) wait on a mandate not among the newest mandates read.</p>}
      </section>
    </div>
  );
}
