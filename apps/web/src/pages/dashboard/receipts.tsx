import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { CheckCircle2, Download, ShieldCheck, XCircle } from 'lucide-react';
import { useAgentAccounts } from '@/api/queries';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Select } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatDateTime } from '@/lib/time';
import { fetchWholeChain, useReceipts, useVerifyChain, type ChainVerification } from './api';
import { downloadJson, FormError, shortHash } from './common';

const PAGE_SIZE = 50;

function VerifyResult({ result }: { result: ChainVerification }) {
  return (
    <Alert variant={result.valid ? 'info' : 'destructive'} className="mb-4">
      <div className="flex items-start gap-3">
        {result.valid ? <CheckCircle2 className="mt-0.5 h-5 w-5 shrink-0 text-emerald-700" aria-hidden="true" /> : <XCircle className="mt-0.5 h-5 w-5 shrink-0" aria-hidden="true" />}
        <div className="min-w-0">
          <AlertTitle>{result.valid ? 'The chain is valid' : 'The chain is broken'}</AlertTitle>
          <AlertDescription>
            <dl className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-[auto_1fr]">
              <dt className="font-medium">Valid</dt>
              <dd>{result.valid ? 'yes: every hash links to the one before and every signature checks' : 'no'}</dd>
              <dt className="font-medium">Length</dt>
              <dd>{result.length.toLocaleString()} receipts</dd>
              <dt className="font-medium">Head hash</dt>
              <dd className="font-mono text-xs break-all">{result.head_hash}</dd>
              <dt className="font-medium">First invalid seq</dt>
              <dd>{result.first_invalid_seq ?? 'none'}</dd>
            </dl>
          </AlertDescription>
        </div>
      </div>
    </Alert>
  );
}

export default function Receipts() {
  const [params, setParams] = useSearchParams();
  const accounts = useAgentAccounts();
  const list = accounts.data?.data ?? [];
  const accountId = params.get('account') ?? list[0]?.agent_account_id;
  const [afterStack, setAfterStack] = useState<number[]>([]);
  const after = afterStack.at(-1) ?? 0;
  const receipts = useReceipts(accountId, after, PAGE_SIZE);
  const verify = useVerifyChain();
  const [download, setDownload] = useState<{ pending: boolean; error: unknown }>({ pending: false, error: null });

  const chooseAccount = (id: string) => {
    setParams({ account: id });
    setAfterStack([]);
    verify.reset();
  };

  const downloadChain = async () => {
    if (!accountId) return;
    setDownload({ pending: true, error: null });
    try {
      const chain = await fetchWholeChain(accountId);
      downloadJson(`receipts-${accountId}.json`, { object: 'list', agent_account_id: accountId, data: chain });
      setDownload({ pending: false, error: null });
    } catch (error) {
      setDownload({ pending: false, error });
    }
  };

  if (accounts.isError) return <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />;

  return (
    <div>
      <PageHeader title="Receipts" description="Each agent account has a hash chain of signed receipts, one per payment step. Verify it, or download it to check offline." />
      {!accounts.data ? (
        <LoadingRows rows={3} label="Loading agent accounts" />
      ) : list.length === 0 ? (
        <EmptyState title="No agent accounts yet">
          <Link className="text-indigo-700 underline" to="/dashboard/agent-accounts">
            Create an agent account
          </Link>{' '}
          first.
        </EmptyState>
      ) : (
        <>
          <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-end">
            <div className="flex flex-col gap-1.5 sm:w-80">
              <Label htmlFor="receipts-account">Agent account</Label>
              <Select id="receipts-account" value={accountId} onChange={(e) => chooseAccount(e.target.value)}>
                {list.map((a) => (
                  <option key={a.agent_account_id} value={a.agent_account_id}>
                    {a.name}
                  </option>
                ))}
              </Select>
            </div>
            <div className="flex flex-wrap gap-2">
              <Button onClick={() => accountId && verify.mutate(accountId)} disabled={verify.isPending}>
                <ShieldCheck className="h-4 w-4" aria-hidden="true" />
                {verify.isPending ? 'Verifying…' : 'Verify chain'}
              </Button>
              <Button variant="secondary" onClick={() => void downloadChain()} disabled={download.pending}>
                <Download className="h-4 w-4" aria-hidden="true" />
                {download.pending ? 'Preparing…' : 'Download JSON'}
              </Button>
            </div>
          </div>
          <div aria-live="polite">
            {verify.data && verify.data.agent_account_id === accountId && <VerifyResult result={verify.data} />}
            {verify.error && <FormError error={verify.error} />}
            {Boolean(download.error) && <FormError error={download.error} />}
          </div>
          <Card>
            <CardContent className="pt-6" aria-live="polite" aria-busy={receipts.isFetching}>
              {receipts.isError ? (
                <ErrorState error={receipts.error} onRetry={() => void receipts.refetch()} />
              ) : !receipts.data ? (
                <LoadingRows rows={4} label="Loading receipts" />
              ) : receipts.data.data.length === 0 ? (
                <EmptyState title="No receipts yet">A receipt is written for every payment step of this agent account.</EmptyState>
              ) : (
                <Table>
                  <TableHeader>
                    <TableRow>
                      <TableHead>Seq</TableHead>
                      <TableHead>Event</TableHead>
                      <TableHead>Payment</TableHead>
                      <TableHead className="text-right">Amount</TableHead>
                      <TableHead>Hash</TableHead>
                      <TableHead>Previous hash</TableHead>
                      <TableHead>When</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {receipts.data.data.map((r) => (
                      <TableRow key={r.receipt_id}>
                        <TableCell className="tabular-nums">{r.seq}</TableCell>
                        <TableCell>
                          {r.event ?? '—'}
                          <div className="font-mono text-xs text-slate-600">{r.receipt_id}</div>
                        </TableCell>
                        <TableCell>
                          {r.payment_id ? (
                            <Link className="font-mono text-xs text-indigo-700 hover:underline" to={`/dashboard/payments/${r.payment_id}`}>
                              {r.payment_id}
                            </Link>
                          ) : (
                            '—'
                          )}
                          {r.vendor && <div className="text-xs text-slate-600">{r.vendor}</div>}
                        </TableCell>
                        <TableCell className="text-right tabular-nums">{typeof r.amount === 'number' && r.currency ? formatMoney(r.amount, r.currency) : '—'}</TableCell>
                        <TableCell className="font-mono text-xs" title={r.hash}>
                          {shortHash(r.hash)}
                        </TableCell>
                        <TableCell className="font-mono text-xs" title={r.prev_hash}>
                          {shortHash(r.prev_hash)}
                        </TableCell>
                        <TableCell className="whitespace-nowrap">{formatDateTime(r.created_at)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
              {receipts.data && (afterStack.length > 0 || receipts.data.has_more) && (
                <nav aria-label="Pages" className="mt-4 flex items-center justify-between">
                  <Button variant="secondary" size="sm" disabled={afterStack.length === 0} onClick={() => setAfterStack(afterStack.slice(0, -1))}>
                    Previous
                  </Button>
                  <span className="text-sm text-slate-600">Page {afterStack.length + 1}</span>
                  <Button
                    variant="secondary"
                    size="sm"
                    disabled={!receipts.data.has_more || receipts.data.next_after_seq === null}
                    onClick={() => receipts.data?.next_after_seq != null && setAfterStack([...afterStack, receipts.data.next_after_seq])}
                  >
                    Next
                  </Button>
                </nav>
              )}
            </CardContent>
          </Card>
        </>
      )}
    </div>
  );
}
