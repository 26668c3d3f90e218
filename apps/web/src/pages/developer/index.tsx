import { lazy, Suspense, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { api, idempotencyKey, unwrap } from '@/api/client';
import { canWrite, useSession } from '@/auth/session';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Input, Select } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Skeleton } from '@/components/ui/skeleton';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatDate, formatDateTime } from '@/lib/time';
import { useDeveloper, useEarnings, useMyAgents, type Developer, type Earnings } from './api';
import { reviewVariant } from './checks';
import type { DayPoint } from './earnings-chart';

const EarningsChart = lazy(() => import('./earnings-chart'));

function BecomeDeveloper() {
  const session = useSession();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState(session?.email ?? '');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/developers', { body: { name, email }, headers: { 'idempotency-key': idempotencyKey() } })),
    onSuccess: (developer) => queryClient.setQueryData([session?.userId ?? 'anonymous', 'developer-me'], developer),
  });
  if (!canWrite(session)) {
    return <EmptyState title="Your organization is not a developer yet">An owner or admin can create its developer profile here.</EmptyState>;
  }
  return (
    <Card className="max-w-xl">
      <CardHeader>
        <CardTitle as="h2">Become a developer</CardTitle>
        <CardDescription>
          One developer profile per organization publishes agents to the marketplace and is credited for their runs. An owner or admin creates it.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="dev-name">Developer name</Label>
            <Input id="dev-name" required value={name} onChange={(e) => setName(e.target.value)} autoComplete="organization" />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="dev-email">Contact email</Label>
            <Input id="dev-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
          </div>
          {create.isError && <ErrorState error={create.error} title="The profile was not created" />}
          <div>
            <Button type="submit" disabled={create.isPending}>
              {create.isPending ? 'Creating…' : 'Create the developer profile'}
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function MyAgents({ developer }: { developer: Developer }) {
  const session = useSession();
  const agents = useMyAgents(developer.developer_id);

  return (
    <Card>
      <CardHeader className="sm:flex-row sm:items-start sm:justify-between">
        <div>
          <CardTitle as="h2">Your agents</CardTitle>
          <CardDescription>Every agent you registered, listed or not, with each version&apos;s review status and the reviewer&apos;s reason.</CardDescription>
        </div>
        {canWrite(session) && (
          <Button asChild size="sm">
            <Link to="/developer/register">
              <Plus className="h-4 w-4" aria-hidden="true" /> Register an agent
            </Link>
          </Button>
        )}
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {agents.isError ? (
          <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />
        ) : !agents.data ? (
          <LoadingRows rows={2} label="Loading your agents" />
        ) : agents.data.length === 0 ? (
          <EmptyState title="No agents yet">
            {canWrite(session) ? (
              <>
                <Link className="text-indigo-700 underline" to="/developer/register">
                  Register one
                </Link>
                : a manifest and a self-contained ES module.
              </>
            ) : (
              'Agents your organization publishes show here.'
            )}
          </EmptyState>
        ) : (
          <ul className="flex flex-col gap-4">
            {agents.data.map((agent) => (
              <li key={agent.agent_id} className="rounded-md border border-slate-200">
                <div className="flex flex-col gap-1 border-b border-slate-200 p-4 sm:flex-row sm:items-center sm:justify-between">
                  <div>
                    {agent.status === 'listed' ? (
                      <Link className="font-medium text-indigo-700 hover:underline" to={`/marketplace/${agent.agent_id}`}>
                        {agent.name}
                      </Link>
                    ) : (
                      <span className="font-medium text-slate-900">{agent.name}</span>
                    )}
                    <div className="font-mono text-xs text-slate-600">{agent.agent_id}</div>
                  </div>
                  <div className="flex flex-col items-start gap-1 sm:items-end">
                    <Badge variant={reviewVariant(agent.status)}>{agent.status.replaceAll('_', ' ')}</Badge>
                    {agent.suspended_reason && <span className="text-xs text-red-800">Suspended: {agent.suspended_reason}</span>}
                  </div>
                </div>
                <Table>
                  <TableHeader>
                    <TableRow>
                      <TableHead>Version</TableHead>
                      <TableHead>Review</TableHead>
                      <TableHead>Reviewer&apos;s reason</TableHead>
                      <TableHead>Uploaded</TableHead>
                      <TableHead>Reviewed</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {agent.versions.map((v) => (
                      <TableRow key={v.version}>
                        <TableCell className="font-mono">{v.version}</TableCell>
                        <TableCell>
                          <Badge variant={reviewVariant(v.status)}>{v.status.replaceAll('_', ' ')}</Badge>
                        </TableCell>
                        <TableCell className="max-w-sm">{v.review_reason ?? <span className="text-slate-600">—</span>}</TableCell>
                        <TableCell className="whitespace-nowrap">{formatDateTime(v.created_at)}</TableCell>
                        <TableCell className="whitespace-nowrap">{formatDateTime(v.reviewed_at)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

// --- earnings ------------------------------------------------------------------------------

function isoDay(date: Date): string {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** The local calendar day `day` (YYYY-MM-DD) as an instant: its start, or (end) the next day's start. */
function dayStart(day: string, end = false): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + (end ? 1 : 0)).toISOString();
}

function fillDays(earnings: Earnings, currency: string): DayPoint[] {
  const byDay = new Map(earnings.by_day.filter((d) => d.currency === currency).map((d) => [d.day.slice(0, 10), d]));
  const points: DayPoint[] = [];
  const start = new Date(`${earnings.from.slice(0, 10)}T00:00:00Z`);
  const end = new Date(earnings.to);
  for (let t = start; t <= end && points.length < 400; t = new Date(t.getTime() + 86_400_000)) {
    const day = t.toISOString().slice(0, 10);
    const found = byDay.get(day);
    points.push({ day, net: found?.net ?? 0, platform_fees: found?.platform_fees ?? 0 });
  }
  return points;
}

function EarningsSection() {
  const today = new Date();
  const [from, setFrom] = useState(() => isoDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 29)));
  const [to, setTo] = useState(() => isoDay(today));
  const validRange = from !== '' && to !== '' && from <= to;
  const range = useMemo(() => (validRange ? { from: dayStart(from), to: dayStart(to, true) } : { from: '', to: '' }), [from, to, validRange]);
  const earnings = useEarnings(range, validRange);
  const currencies = useMemo(() => [...new Set((earnings.data?.totals ?? []).map((t) => t.currency))].sort(), [earnings.data]);
  const [chosen, setChosen] = useState<string | null>(null);
  const currency = chosen && currencies.includes(chosen) ? chosen : currencies[0];

  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">Earnings</CardTitle>
        <CardDescription>From the ledger: what runs of your agents paid, the platform fee, and your net share.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-5">
        <div className="grid gap-3 sm:grid-cols-[12rem_12rem_auto]">
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="earn-from">From</Label>
            <Input id="earn-from" type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="earn-to">To (inclusive)</Label>
            <Input id="earn-to" type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
          </div>
          {!validRange && <p className="self-end text-sm text-red-800">Choose a start on or before the end.</p>}
        </div>
        {earnings.isError ? (
          <ErrorState error={earnings.error} onRetry={() => void earnings.refetch()} />
        ) : !earnings.data ? (
          validRange && <LoadingRows rows={3} label="Loading earnings" />
        ) : earnings.data.totals.length === 0 ? (
          <EmptyState title="No earnings in this period">When a deployment of one of your agents runs and succeeds, its price is split here.</EmptyState>
        ) : (
          <>
            <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
              {earnings.data.totals.map((t) => (
                <li key={t.currency} className="rounded-md border border-slate-200 p-4">
                  <p className="text-sm text-slate-600">Net ({t.currency})</p>
                  <p className="text-2xl font-semibold text-slate-900 tabular-nums">{formatMoney(t.net, t.currency)}</p>
                  <p className="text-sm text-slate-600 tabular-nums">
                    {formatMoney(t.gross, t.currency)} gross − {formatMoney(t.platform_fees, t.currency)} fees · {t.executions.toLocaleString()}{' '}
                    {t.executions === 1 ? 'run' : 'runs'}
                  </p>
                </li>
              ))}
            </ul>
            {currency && (
              <section aria-labelledby="by-day" className="flex flex-col gap-2">
                <div className="flex flex-wrap items-end justify-between gap-2">
                  <h3 id="by-day" className="text-sm font-semibold text-slate-900">
                    Revenue by day ({currency})
                  </h3>
                  {currencies.length > 1 && (
                    <div className="flex items-center gap-2">
                      <Label htmlFor="earn-currency">Currency</Label>
                      <Select id="earn-currency" className="w-28" value={currency} onChange={(e) => setChosen(e.target.value)}>
                        {currencies.map((c) => (
                          <option key={c}>{c}</option>
                        ))}
                      </Select>
                    </div>
                  )}
                </div>
                <Suspense fallback={<Skeleton className="h-72 w-full" />}>
                  <EarningsChart data={fillDays(earnings.data, currency)} currency={currency} />
                </Suspense>
                <details className="text-sm">
                  <summary className="cursor-pointer text-indigo-700">The days as a table</summary>
                  <Table>
                    <TableHeader>
                      <TableRow>
                        <TableHead>Day</TableHead>
                        <TableHead className="text-right">Runs</TableHead>
                        <TableHead className="text-right">Gross</TableHead>
                        <TableHead className="text-right">Fees</TableHead>
                        <TableHead className="text-right">Net</TableHead>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {earnings.data.by_day
                        .filter((d) => d.currency === currency)
                        .map((d) => (
                          <TableRow key={d.day}>
                            <TableCell>{formatDate(`${d.day.slice(0, 10)}T12:00:00Z`)}</TableCell>
                            <TableCell className="text-right tabular-nums">{d.executions}</TableCell>
                            <TableCell className="text-right tabular-nums">{formatMoney(d.gross, d.currency)}</TableCell>
                            <TableCell className="text-right tabular-nums">{formatMoney(d.platform_fees, d.currency)}</TableCell>
                            <TableCell className="text-right tabular-nums">{formatMoney(d.net, d.currency)}</TableCell>
                          </TableRow>
                        ))}
                    </TableBody>
                  </Table>
                </details>
              </section>
            )}
            <section aria-labelledby="by-agent">
              <h3 id="by-agent" className="mb-2 text-sm font-semibold text-slate-900">
                Per agent
              </h3>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Agent</TableHead>
                    <TableHead className="text-right">Runs</TableHead>
                    <TableHead className="text-right">Gross</TableHead>
                    <TableHead className="text-right">Fees</TableHead>
                    <TableHead className="text-right">Net</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {earnings.data.by_agent.map((a) => (
                    <TableRow key={`${a.agent_id}-${a.currency}`}>
                      <TableCell>
                        <Link className="font-mono text-indigo-700 hover:underline" to={`/marketplace/${a.agent_id}`}>
                          {a.agent_id}
                        </Link>
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{a.executions.toLocaleString()}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatMoney(a.gross, a.currency)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatMoney(a.platform_fees, a.currency)}</TableCell>
                      <TableCell className="text-right font-medium tabular-nums">{formatMoney(a.net, a.currency)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </section>
          </>
        )}
      </CardContent>
    </Card>
  );
}

export default function DeveloperPortal() {
  const developer = useDeveloper();
  return (
    <div>
      <PageHeader
        title="Developer portal"
        description={developer.data ? `${developer.data.name} · ${developer.data.email} · ${developer.data.developer_id} · since ${formatDate(developer.data.created_at)}` : 'Publish agents to the marketplace and see what they earn.'}
      />
      {developer.isError ? (
        <ErrorState error={developer.error} onRetry={() => void developer.refetch()} />
      ) : developer.data === undefined ? (
        <LoadingRows rows={3} label="Loading your developer profile" />
      ) : developer.data === null ? (
        <BecomeDeveloper />
      ) : (
        <div className="flex flex-col gap-6">
          <MyAgents developer={developer.data} />
          <EarningsSection />
        </div>
      )}
    </div>
  );
}
