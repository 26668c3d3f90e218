import { Link } from 'react-router';
import { useAgentAccounts } from '@/api/queries';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { StatusBadge } from '@/components/status-badge';
import { Card, CardContent } from '@/components/ui/card';
import { Select } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatDateTime } from '@/lib/time';
import { usePayments } from './api';
import { Pager, useCursorPages } from './common';
import { useState } from 'react';

const PAGE_SIZE = 20;

export default function Payments() {
  const [account, setAccount] = useState('');
  const pages = useCursorPages();
  const accounts = useAgentAccounts();
  const payments = usePayments({ limit: PAGE_SIZE, starting_after: pages.cursor, agent_account_id: account || undefined });
  const names = new Map((accounts.data?.data ?? []).map((a) => [a.agent_account_id, a.name]));
  const list = payments.data;

  return (
    <div>
      <PageHeader title="Payments" description="Every payment your agent accounts made, on every rail. Open one to refund it or see its receipts." />
      <div className="mb-4 flex max-w-sm flex-col gap-1.5">
        <Label htmlFor="payments-account">Agent account</Label>
        <Select
          id="payments-account"
          value={account}
          onChange={(e) => {
            setAccount(e.target.value);
            pages.reset();
          }}
        >
          <option value="">All agent accounts</option>
          {(accounts.data?.data ?? []).map((a) => (
            <option key={a.agent_account_id} value={a.agent_account_id}>
              {a.name}
            </option>
          ))}
        </Select>
      </div>
      <Card>
        <CardContent className="pt-6" aria-live="polite" aria-busy={payments.isFetching}>
          {payments.isError ? (
            <ErrorState error={payments.error} onRetry={() => void payments.refetch()} />
          ) : !list ? (
            <LoadingRows rows={5} label="Loading payments" />
          ) : list.data.length === 0 ? (
            <EmptyState title="No payments yet">An agent pays through a mandate: a purchase intent, a mandate, then execute.</EmptyState>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Payment</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead>Vendor</TableHead>
                  <TableHead>Rail</TableHead>
                  <TableHead className="text-right">Amount</TableHead>
                  <TableHead>Created</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {list.data.map((p) => (
                  <TableRow key={p.payment_id}>
                    <TableCell>
                      <Link className="font-mono text-xs font-medium text-indigo-700 hover:underline" to={`/dashboard/payments/${p.payment_id}`}>
                        {p.payment_id}
                      </Link>
                      <div className="text-xs text-slate-600">{names.get(p.agent_account_id) ?? p.agent_account_id}</div>
                    </TableCell>
                    <TableCell>
                      <StatusBadge status={p.status} />
                      {p.refunded_amount > 0 && <div className="mt-1 text-xs text-slate-600">refunded {formatMoney(p.refunded_amount, p.currency)}</div>}
                    </TableCell>
                    <TableCell className="font-medium text-slate-900">{p.vendor}</TableCell>
                    <TableCell>{p.rail}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(p.amount, p.currency)}</TableCell>
                    <TableCell className="whitespace-nowrap">{formatDateTime(p.created_at)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          {list && (
            <Pager
              page={pages.page}
              hasPrevious={pages.hasPrevious}
              hasNext={list.has_more && Boolean(list.next_cursor)}
              onPrevious={pages.previous}
              onNext={() => list.next_cursor && pages.next(list.next_cursor)}
            />
          )}
        </CardContent>
      </Card>
    </div>
  );
}
