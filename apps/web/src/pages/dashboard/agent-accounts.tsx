import { useState, type FormEvent } from 'react';
import { Plus } from 'lucide-react';
import { useAgentAccounts, type AgentAccount } from '@/api/queries';
import { canWrite, useSession } from '@/auth/session';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { FormDialogFooter } from '@/components/form-dialog-footer';
import { Card, CardContent } from '@/components/ui/card';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Input, Select } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatDateTime } from '@/lib/time';
import { useCreateAgentAccount, useCreateAgentKey, useTopUp } from './api';
import { errorField, Field, FormError, isCurrencyCode, moneyHint, parseMoney, SecretDialog } from './common';

const TIERS = ['LOW', 'MEDIUM', 'HIGH'] as const;
type Tier = (typeof TIERS)[number];
const TIER_BADGE = { LOW: 'success', MEDIUM: 'warning', HIGH: 'danger' } as const;

function CreateAccount({ onCreated }: { onCreated: (name: string, key: string) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [tier, setTier] = useState<Tier>('LOW');
  const [nameError, setNameError] = useState<string | null>(null);
  const create = useCreateAgentAccount();
  const field = errorField(create.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setNameError('Give the agent account a name.');
    if (trimmed.length > 120) return setNameError('At most 120 characters.');
    setNameError(null);
    create.mutate(
      { name: trimmed, risk_tier: tier },
      {
        onSuccess: (account) => {
          setOpen(false);
          setName('');
          setTier('LOW');
          onCreated(account.name, account.api_key);
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) create.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <Plus className="h-4 w-4" aria-hidden="true" /> New agent account
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>New agent account</DialogTitle>
            <DialogDescription>An AI agent that spends for your organization. It gets a wallet and an API key (shown once).</DialogDescription>
          </DialogHeader>
          <Field label="Name" error={nameError ?? (field === 'name' ? create.error?.message : null)}>
            {(props) => <Input {...props} value={name} maxLength={120} autoComplete="off" onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Risk tier" hint="How closely its spending is watched." error={field === 'risk_tier' ? create.error?.message : null}>
            {(props) => (
              <Select {...props} value={tier} onChange={(e) => setTier(e.target.value as Tier)}>
                {TIERS.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          {create.error && !field && <FormError error={create.error} />}
          <FormDialogFooter pending={create.isPending} label="Create" pendingLabel="Creating…" />
        </form>
      </DialogContent>
    </Dialog>
  );
}

function TopUp({ account }: { account: AgentAccount }) {
  const [open, setOpen] = useState(false);
  const [currency, setCurrency] = useState(account.wallet.balances[0]?.currency ?? 'USD');
  const [amount, setAmount] = useState('');
  const [errors, setErrors] = useState<{ currency?: string; amount?: string }>({});
  const topUp = useTopUp(account.agent_account_id);
  const field = errorField(topUp.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const code = currency.trim().toUpperCase();
    const next: typeof errors = {};
    if (!/^[A-Z]{3}$/.test(code) || !isCurrencyCode(code)) next.currency = 'An ISO 4217 code such as USD, EUR, INR.';
    const minor = next.currency ? null : parseMoney(amount, code);
    if (!next.currency && (minor === null || minor <= 0)) next.amount = `Enter a positive amount. ${moneyHint(code)}`;
    setErrors(next);
    if (Object.keys(next).length > 0 || minor === null) return;
    topUp.mutate(
      { amount: minor, currency: code },
      {
        onSuccess: () => {
          setOpen(false);
          setAmount('');
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) topUp.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm">
          Top up
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Top up {account.name}</DialogTitle>
            <DialogDescription>Test mode only: adds money to the wallet without a real payment. The API refuses it in production.</DialogDescription>
          </DialogHeader>
          <Field label="Currency" error={errors.currency ?? (field === 'currency' ? topUp.error?.message : null)}>
            {(props) => <Input {...props} value={currency} maxLength={3} autoCapitalize="characters" onChange={(e) => setCurrency(e.target.value.toUpperCase())} />}
          </Field>
          <Field label="Amount" hint={moneyHint(currency.toUpperCase())} error={errors.amount ?? (field === 'amount' ? topUp.error?.message : null)}>
            {(props) => <Input {...props} inputMode="decimal" value={amount} placeholder="100.00" onChange={(e) => setAmount(e.target.value)} />}
          </Field>
          {topUp.error && !field && <FormError error={topUp.error} />}
          <FormDialogFooter pending={topUp.isPending} label="Top up" pendingLabel="Adding…" />
        </form>
      </DialogContent>
    </Dialog>
  );
}

function NewKey({ account, onCreated }: { account: AgentAccount; onCreated: (name: string, key: string) => void }) {
  const create = useCreateAgentKey();
  return (
    <>
      <Button variant="ghost" size="sm" disabled={create.isPending} onClick={() => create.mutate(account.agent_account_id, { onSuccess: (k) => onCreated(account.name, k.api_key) })}>
        New key
      </Button>
      {create.error && <p className="text-xs text-red-800">{create.error.message}</p>}
    </>
  );
}

export default function AgentAccounts() {
  const session = useSession();
  const writer = canWrite(session);
  const accounts = useAgentAccounts();
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const onCreated = (name: string, key: string) => setSecret({ name, key });

  return (
    <div>
      <PageHeader title="Agent accounts" description="The AI agents that spend for your organization, each with its wallet, keys and policies." actions={writer && <CreateAccount onCreated={onCreated} />} />
      <Card>
        <CardContent className="pt-6">
          {accounts.isError ? (
            <ErrorState error={accounts.error} onRetry={() => void accounts.refetch()} />
          ) : !accounts.data ? (
            <LoadingRows rows={3} label="Loading agent accounts" />
          ) : accounts.data.data.length === 0 ? (
            <EmptyState title="No agent accounts yet">{writer ? 'Create one: it gets a wallet and an API key.' : 'An owner, admin or member can create one.'}</EmptyState>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Risk tier</TableHead>
                  <TableHead className="text-right">Wallet</TableHead>
                  <TableHead>Created</TableHead>
                  {writer && <TableHead>Actions</TableHead>}
                </TableRow>
              </TableHeader>
              <TableBody>
                {accounts.data.data.map((a) => (
                  <TableRow key={a.agent_account_id}>
                    <TableCell>
                      <div className="font-medium text-slate-900">{a.name}</div>
                      <div className="font-mono text-xs text-slate-600">{a.agent_account_id}</div>
                    </TableCell>
                    <TableCell>
                      <Badge variant={TIER_BADGE[a.risk_tier]}>{a.risk_tier}</Badge>
                    </TableCell>
                    <TableCell className="text-right">
                      {a.wallet.balances.length === 0 ? (
                        <span className="text-slate-600">empty</span>
                      ) : (
                        <ul className="flex flex-col gap-0.5">
                          {a.wallet.balances.map((b) => (
                            <li key={b.currency} className="tabular-nums">
                              {formatMoney(b.balance, b.currency)}
                            </li>
                          ))}
                        </ul>
                      )}
                    </TableCell>
                    <TableCell className="whitespace-nowrap">{formatDateTime(a.created_at)}</TableCell>
                    {writer && (
                      <TableCell>
                        <div className="flex flex-wrap items-center gap-2">
                          <TopUp account={a} />
                          <NewKey account={a} onCreated={onCreated} />
                        </div>
                      </TableCell>
                    )}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <SecretDialog open={secret !== null} onClose={() => setSecret(null)} title={`API key for ${secret?.name ?? ''}`} secret={secret?.key ?? ''} what="agent API key">
        The agent authenticates with it (Authorization: Bearer …) to create purchase intents and pay within its policies.
      </SecretDialog>
    </div>
  );
}
