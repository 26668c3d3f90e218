import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { ArrowLeft } from 'lucide-react';
import { ApiError } from '@/api/client';
import { canWrite, useSession } from '@/auth/session';
import { EmptyState, ErrorState, LoadingRows } from '@/components/states';
import { StatusBadge } from '@/components/status-badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatDateTime } from '@/lib/time';
import { usePayment, usePaymentReceipts, useRefund, useRefunds, type Payment } from './api';
import { errorField, Field, FormError, minorToInput, moneyHint, parseMoney, shortHash } from './common';

function RefundDialog({ payment }: { payment: Payment }) {
  const refundable = payment.amount - payment.refunded_amount;
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ amount?: string; reason?: string }>({});
  const refund = useRefund(payment.payment_id);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: typeof errors = {};
    let minor: number | undefined;
    if (amount.trim()) {
      const parsed = parseMoney(amount, payment.currency);
      if (parsed === null || parsed <= 0) next.amount = `Enter a positive amount. ${moneyHint(payment.currency)}`;
      else if (parsed > refundable) next.amount = `At most ${formatMoney(refundable, payment.currency)} is left to refund.`;
      else minor = parsed;
    }
    if (!reason.trim()) next.reason = 'Say why (it is kept with the refund).';
    else if (reason.length > 500) next.reason = 'At most 500 characters.';
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    refund.mutate(
      { amount: minor, reason: reason.trim() },
      {
        onSuccess: () => {
          setOpen(false);
          setAmount('');
          setReason('');
        },
      },
    );
  };
  const field = errorField(refund.error);

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) refund.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary">Refund</Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Refund {payment.payment_id}</DialogTitle>
            <DialogDescription>
              {formatMoney(refundable, payment.currency)} of {formatMoney(payment.amount, payment.currency)} can be refunded. The money goes back to the agent account's wallet.
            </DialogDescription>
          </DialogHeader>
          <Field label="Amount (empty: all that is left)" hint={moneyHint(payment.currency)} error={errors.amount ?? (field === 'amount' ? refund.error?.message : null)}>
            {(props) => <Input {...props} inputMode="decimal" value={amount} placeholder={minorToInput(refundable, payment.currency)} onChange={(e) => setAmount(e.target.value)} />}
          </Field>
          <Field label="Reason" error={errors.reason ?? (field === 'reason' ? refund.error?.message : null)}>
            {(props) => <Input {...props} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          {refund.error && !field && <FormError error={refund.error} />}
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary" type="button">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" disabled={refund.isPending}>
              {refund.isPending ? 'Refunding…' : 'Refund'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function Facts({ payment: p }: { payment: Payment }) {
  const rows: [string, ReactNode][] = [
    ['Status', <StatusBadge key="s" status={p.status} />],
    ['Amount', formatMoney(p.amount, p.currency)],
    ['Refunded', formatMoney(p.refunded_amount, p.currency)],
    ['Vendor', p.vendor],
    ['Rail', p.rail],
    ['Rail reference', p.rail_reference ?? '—'],
    ['Agent account', p.agent_account_id],
    ['Policy', p.policy_id],
    ['Mandate', p.mandate_id],
    ['Purchase intent', p.intent_id],
    ['Created', formatDateTime(p.created_at)],
    ['Settled', formatDateTime(p.settled_at)],
  ];
  if (p.failure_code) rows.push(['Failure', `${p.failure_message ?? ''} (${p.failure_code})`]);
  if (p.needs_attention) rows.push(['Needs attention', p.needs_attention]);
  return (
    <dl className="grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-slate-600">{label}</dt>
          <dd className="mb-2 font-medium break-all text-slate-900 sm:mb-0">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Refunds({ payment }: { payment: Payment }) {
  const refunds = useRefunds(payment.payment_id);
  return refunds.isError ? (
    <ErrorState error={refunds.error} onRetry={() => void refunds.refetch()} />
  ) : !refunds.data ? (
    <LoadingRows rows={1} label="Loading refunds" />
  ) : refunds.data.data.length === 0 ? (
    <EmptyState title="No refunds" />
  ) : (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Refund</TableHead>
          <TableHead>Status</TableHead>
          <TableHead className="text-right">Amount</TableHead>
          <TableHead>Reason</TableHead>
          <TableHead>Created</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {refunds.data.data.map((r) => (
          <TableRow key={r.refund_id}>
            <TableCell className="font-mono text-xs">{r.refund_id}</TableCell>
            <TableCell>
              <StatusBadge status={r.status} />
              {r.failure_message && <div className="mt-1 text-xs text-red-800">{r.failure_message}</div>}
            </TableCell>
            <TableCell className="text-right tabular-nums">{formatMoney(r.amount, r.currency)}</TableCell>
            <TableCell>{r.reason}</TableCell>
            <TableCell className="whitespace-nowrap">{formatDateTime(r.created_at)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function PaymentReceipts({ payment }: { payment: Payment }) {
  const receipts = usePaymentReceipts(payment);
  return receipts.isError ? (
    <ErrorState error={receipts.error} onRetry={() => void receipts.refetch()} />
  ) : !receipts.data ? (
    <LoadingRows rows={2} label="Loading receipts" />
  ) : receipts.data.length === 0 ? (
    <EmptyState title="No receipts for this payment" />
  ) : (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead>Seq</TableHead>
          <TableHead>Event</TableHead>
          <TableHead>Hash</TableHead>
          <TableHead>When</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {receipts.data.map((r) => (
          <TableRow key={r.receipt_id}>
            <TableCell className="tabular-nums">{r.seq}</TableCell>
            <TableCell>
              {r.event ?? '—'}
              <div className="font-mono text-xs text-slate-600">{r.receipt_id}</div>
            </TableCell>
            <TableCell className="font-mono text-xs" title={r.hash}>
              {shortHash(r.hash)}
            </TableCell>
            <TableCell className="whitespace-nowrap">{formatDateTime(r.created_at)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export default function PaymentDetail() {
  const { paymentId = '' } = useParams();
  const payment = usePayment(paymentId);
  const session = useSession();
  const back = (
    <Link to="/dashboard/payments" className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-indigo-700 hover:underline">
      <ArrowLeft className="h-4 w-4" aria-hidden="true" /> All payments
    </Link>
  );
  if (payment.isError) {
    const missing = payment.error instanceof ApiError && (payment.error.status === 404 || payment.error.code === 'validation_error');
    return (
      <div>
        {back}
        {missing ? <EmptyState title="No such payment">Check the id, or find it in the list.</EmptyState> : <ErrorState error={payment.error} onRetry={() => void payment.refetch()} />}
      </div>
    );
  }
  if (!payment.data) {
    return (
      <div>
        {back}
        <LoadingRows rows={5} label="Loading the payment" />
      </div>
    );
  }
  const p = payment.data;
  const refundable = p.status === 'settled' && p.refunded_amount < p.amount;
  return (
    <div>
      {back}
      <div className="mb-6 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">
            {formatMoney(p.amount, p.currency)} to {p.vendor}
          </h1>
          <p className="mt-1 font-mono text-sm break-all text-slate-600">{p.payment_id}</p>
        </div>
        {canWrite(session) && refundable && <RefundDialog payment={p} />}
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-1">
          <CardHeader>
            <CardTitle as="h2">Details</CardTitle>
          </CardHeader>
          <CardContent>
            <Facts payment={p} />
          </CardContent>
        </Card>
        <div className="flex min-w-0 flex-col gap-6 lg:col-span-2">
          <Card>
            <CardHeader>
              <CardTitle as="h2">Refunds</CardTitle>
              <CardDescription>Only a settled payment can be refunded, in full or in parts, up to what was paid.</CardDescription>
            </CardHeader>
            <CardContent>
              <Refunds payment={p} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle as="h2">Receipts</CardTitle>
              <CardDescription>
                The signed receipts of this payment in its agent account's chain.{' '}
                <Link className="text-indigo-700 underline" to={`/dashboard/receipts?account=${p.agent_account_id}`}>
                  Verify the chain
                </Link>
              </CardDescription>
            </CardHeader>
            <CardContent>
              <PaymentReceipts payment={p} />
            </CardContent>
          </Card>
        </div>
      </div>
    </div>
  );
}
