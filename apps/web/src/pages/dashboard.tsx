import { Link } from 'react-router';
import { useAgentAccounts, useRecentExecutions, useRecentPayments, type AgentAccount } from '@/api/queries';
import { useSession } from '@/auth/session';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { StatusBadge } from '@/components/status-badge';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatDateTime, formatDuration } from '@/lib/time';

function Balances({ account }: { account: AgentAccount }) {
  const balances = account.wallet.balances;
  if (balances.length === 0) return <span className="text-slate-600">empty</span>;
  return (
    <ul className="flex flex-col gap-0.5">
      {balances.map((b) => (
        <li key={b.currency} className="tabular-nums">
          {formatMoney(b.balance, b.currency)}
        </li>
      ))}
    </ul>
  );
}

function AgentAccounts() {
  const accounts = useAgentAccounts();
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">Agent accounts</CardTitle>
        <CardDescription>The AI agents that spend for your organization, and their wallets.</CardDescription>
      </CardHeader>
      <CardContent>
        {accounts.isError ? (
          <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />
        ) : !accounts.data ? (
          <LoadingRows rows={2} label="Loading agent accounts" />
        ) : accounts.data.data.length === 0 ? (
          <EmptyState title="No agent accounts yet">Create one with POST /agent-accounts; it gets a key and a wallet.</EmptyState>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Risk tier</TableHead>
                <TableHead className="text-right">Wallet</TableHead>
                <TableHead>Created</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {accounts.data.data.map((account) => (
                  <TableRow key={account.agent_account_id}>
                    <TableCell>
                      <div className="font-medium text-slate-900">{account.name}</div>
                      <div className="font-mono text-xs text-slate-600">{account.agent_account_id}</div>
                    </TableCell>
                    <TableCell>
                      <Badge variant="outline">{account.risk_tier}</Badge>
                    </TableCell>
                    <TableCell className="text-right">
                      <Balances account={account} />
                    </TableCell>
                    <TableCell className="whitespace-nowrap">{formatDateTime(account.created_at)}</TableCell>
                  </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}

function RecentPayments() {
  const payments = useRecentPayments();
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">Recent payments</CardTitle>
      </CardHeader>
      <CardContent>
        {payments.isError ? (
          <ErrorState error={payments.error} onRetry={() => void payments.refetch()} />
        ) : !payments.data ? (
          <LoadingRows rows={3} label="Loading payments" />
        ) : payments.data.data.length === 0 ? (
          <EmptyState title="No payments yet">An agent pays with a mandate: POST /purchase-intents, /mandates, /execute.</EmptyState>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Vendor</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="text-right">Amount</TableHead>
                <TableHead>When</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {payments.data.data.map((p) => (
                <TableRow key={p.payment_id}>
                  <TableCell>
                    <div className="font-medium text-slate-900">{p.vendor}</div>
                    <div className="font-mono text-xs text-slate-600">
                      {p.payment_id} · {p.rail}
                    </div>
                  </TableCell>
                  <TableCell>
                    <StatusBadge status={p.status} />
                    {p.refunded_amount > 0 && <div className="mt-1 text-xs text-slate-600">refunded {formatMoney(p.refunded_amount, p.currency)}</div>}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(p.amount, p.currency)}</TableCell>
                  <TableCell className="whitespace-nowrap">{formatDateTime(p.created_at)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}

function RecentExecutions() {
  const executions = useRecentExecutions();
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">Recent executions</CardTitle>
        <CardDescription>Marketplace agents run for your agent accounts.</CardDescription>
      </CardHeader>
      <CardContent>
        {executions.isError ? (
          <ErrorState error={executions.error} onRetry={() => void executions.refetch()} />
        ) : !executions.data ? (
          <LoadingRows rows={3} label="Loading executions" />
        ) : executions.data.data.length === 0 ? (
          <EmptyState title="No executions yet">
            Deploy an agent from the <Link className="text-indigo-700 underline" to="/marketplace">marketplace</Link> and run it.
          </EmptyState>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Agent</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="text-right">Cost</TableHead>
                <TableHead className="text-right">Duration</TableHead>
                <TableHead>When</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {executions.data.data.map((e) => (
                <TableRow key={e.execution_id}>
                  <TableCell>
                    <Link className="font-medium text-indigo-700 hover:underline" to={`/marketplace/${e.agent_id}`}>
                      {e.agent_id}
                    </Link>
                    <div className="font-mono text-xs text-slate-600">
                      {e.execution_id} · v{e.version}
                    </div>
                  </TableCell>
                  <TableCell>
                    <StatusBadge status={e.status} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(e.cost.amount, e.cost.currency)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatDuration(e.duration_ms)}</TableCell>
                  <TableCell className="whitespace-nowrap">{formatDateTime(e.created_at)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}

export default function Dashboard() {
  const session = useSession();
  return (
    <div>
      <PageHeader title="Dashboard" description={session ? `Signed in as ${session.email} (${session.role}). Times are in ${Intl.DateTimeFormat().resolvedOptions().timeZone}.` : undefined} />
      <div className="flex flex-col gap-6">
        <AgentAccounts />
        <div className="flex flex-col gap-6">
          <RecentPayments />
          <RecentExecutions />
        </div>
      </div>
    </div>
  );
}
