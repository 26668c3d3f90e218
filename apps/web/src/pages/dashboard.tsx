import { useId } from 'react';
import { Link } from 'react-router';
import { USER_TIME_ZONE, useAgentAccounts, useChainChecks, useRecentExecutions, useRecentPayments, useSpendSummary, type AgentAccount } from '@/api/queries';
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

type SpendTotals = { currency: string; amount: number; payments: number }[];

function SpendTotalsList({ label, totals }: { label: string; totals: SpendTotals }) {
  return (
    <div>
      <h3 className="text-sm font-medium text-slate-700">{label}</h3>
      {totals.length === 0 ? (
        <p className="mt-1 text-2xl font-semibold text-slate-900">Nothing yet</p>
      ) : (
        <ul className="mt-1 flex flex-col gap-0.5">
          {totals.map((t) => (
            <li key={t.currency} className="tabular-nums">
              <span className="text-2xl font-semibold text-slate-900">{formatMoney(t.amount, t.currency)}</span>{' '}
              <span className="text-sm text-slate-600">in {t.payments === 1 ? '1 payment' : `${t.payments} payments`}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Spend today and this month per currency, in the user's time zone (settled and in-flight payments). */
function Spend() {
  const spend = useSpendSummary();
  const titleId = useId();
  return (
    <Card role="region" aria-labelledby={titleId}>
      <CardHeader>
        <CardTitle as="h2" id={titleId}>
          Spend
        </CardTitle>
        <CardDescription>Settled and in-flight payments of your agent accounts; the day and month are {USER_TIME_ZONE}'s.</CardDescription>
      </CardHeader>
      <CardContent>
        {spend.isError ? (
          <ErrorState error={spend.error} onRetry={() => void spend.refetch()} />
        ) : !spend.data ? (
          <LoadingRows rows={2} label="Loading spend" />
        ) : (
          <div className="grid gap-4 sm:grid-cols-2">
            <SpendTotalsList label="Today" totals={spend.data.today.totals} />
            <SpendTotalsList label="This month" totals={spend.data.month.totals} />
          </div>
        )}
      </CardContent>
    </Card>
  );
}

/** Each agent account's receipt chain, checked by the server: hashes, links and signatures. */
function Chains() {
  const accounts = useAgentAccounts();
  const ids = accounts.data?.data.map((a) => a.agent_account_id);
  const checks = useChainChecks(ids);
  const broken = checks.data?.filter((c) => !c.valid) ?? [];
  const titleId = useId();
  return (
    <Card role="region" aria-labelledby={titleId}>
      <CardHeader>
        <CardTitle as="h2" id={titleId}>
          Receipt chains
        </CardTitle>
        <CardDescription>Every receipt is hash-chained and signed; the server re-checks each agent account's chain.</CardDescription>
      </CardHeader>
      <CardContent>
        {accounts.isError || checks.isError ? (
          <ErrorState error={accounts.error ?? checks.error} onRetry={() => void (accounts.isError ? accounts.refetch() : checks.refetch())} />
        ) : !checks.data ? (
          <LoadingRows rows={1} label="Verifying receipt chains" />
        ) : checks.data.length === 0 ? (
          <EmptyState title="No chains yet">Each agent account gets a chain with its first receipt.</EmptyState>
        ) : (
          <div className="flex flex-col gap-2 text-sm">
            <p role="status" className={broken.length === 0 ? 'text-2xl font-semibold text-emerald-800' : 'text-2xl font-semibold text-red-800'}>
              {checks.data.length - broken.length} of {checks.data.length} verified
            </p>
            <p className="text-slate-700">
              {checks.data.reduce((n, c) => n + c.length, 0)} receipts checked.{' '}
              <Link className="text-indigo-700 underline" to="/dashboard/receipts">
                See receipts
              </Link>
            </p>
            {broken.map((c) => (
              <p key={c.agent_account_id} className="text-red-800">
                {c.agent_account_id}: broken at receipt {c.first_invalid_seq}
              </p>
            ))}
          </div>
        )}
      </CardContent>
    </Card>
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
        <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
          <Spend />
          <Chains />
        </div>
        <AgentAccounts />
        <div className="flex flex-col gap-6">
          <RecentPayments />
          <RecentExecutions />
        </div>
      </div>
    </div>
  );
}
