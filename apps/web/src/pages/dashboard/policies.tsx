import { useState, type FormEvent } from 'react';
import { Plus } from 'lucide-react';
import { useAgentAccounts, usePolicySpend, type AgentAccount } from '@/api/queries';
import { canWrite, useSession } from '@/auth/session';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input, Select } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatMoney } from '@/lib/money';
import { formatDateTime } from '@/lib/time';
import { usePolicies, usePolicyVersions, useSavePolicy, type Policy, type PolicyCreate, type PolicyVersion, type Weekday } from './api';
import { errorField, Field, FormError, isCurrencyCode, minorToInput, moneyHint, parseMoney } from './common';

const DAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
// The API's vendor id (packages/domain/src/vendors/vendor-id.ts).
const VENDOR_ID = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IPv4/IPv6 address or CIDR, as the API's ip_allowlist accepts (the API has the last word on IPv6 forms). */
function isCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const v4 = IPV4.test(address);
  const v6 = !v4 && address.includes(':') && /^[0-9a-fA-F:.]+$/.test(address);
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}

function lines(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

interface FormState {
  agent_account_id: string;
  name: string;
  currency: string;
  vendors: string;
  per_tx_cap: string;
  daily_limit: string;
  approval_threshold: string;
  window: boolean;
  start: string;
  end: string;
  timezone: string;
  days: Weekday[];
  ips: string;
}

function initialState(policy: Policy | null, accounts: AgentAccount[]): FormState {
  const currency = policy?.currency ?? 'USD';
  return {
    agent_account_id: policy?.agent_account_id ?? accounts[0]?.agent_account_id ?? '',
    name: policy?.name ?? '',
    currency,
    vendors: (policy?.vendor_allowlist ?? []).join('\n'),
    per_tx_cap: minorToInput(policy?.per_tx_cap, currency),
    daily_limit: minorToInput(policy?.daily_limit, currency),
    approval_threshold: minorToInput(policy?.approval_threshold, currency),
    window: Boolean(policy?.time_window),
    start: policy?.time_window?.start ?? '09:00',
    end: policy?.time_window?.end ?? '18:00',
    timezone: policy?.time_window?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    days: policy?.time_window?.days ?? [],
    ips: (policy?.ip_allowlist ?? []).join('\n'),
  };
}

type Errors = Partial<Record<string, string>>;

/** The API's rules (packages/domain/src/policy/policy-rules.schema.ts), checked before sending. */
function validate(f: FormState, creating: boolean): { errors: Errors; body: PolicyCreate | null } {
  const errors: Errors = {};
  if (creating && !/^aga_[0-9A-Z]{26}$/.test(f.agent_account_id)) errors.agent_account_id = 'Choose an agent account.';
  const name = f.name.trim();
  if (!name) errors.name = 'Give the policy a name.';
  else if (name.length > 120) errors.name = 'At most 120 characters.';
  const currency = f.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) errors.currency = 'must be an uppercase ISO 4217 code';
  else if (!isCurrencyCode(currency)) errors.currency = 'unknown ISO 4217 currency code';
  const vendors = lines(f.vendors);
  if (vendors.length === 0) errors.vendor_allowlist = 'at least one vendor must be allowed';
  else if (vendors.some((v) => !VENDOR_ID.test(v))) errors.vendor_allowlist = `vendor ids are lowercase letters, digits, _ . - (max 64): ${vendors.filter((v) => !VENDOR_ID.test(v)).join(', ')}`;
  else if (new Set(vendors).size !== vendors.length) errors.vendor_allowlist = 'vendor_allowlist entries must be unique';
  const amount = (text: string, key: string, optional = false): number | null => {
    if (optional && !text.trim()) return null;
    if (errors.currency) return null;
    const minor = parseMoney(text, currency);
    if (minor === null || minor <= 0) errors[key] = `A positive amount. ${moneyHint(currency)}`;
    return minor;
  };
  const perTx = amount(f.per_tx_cap, 'per_tx_cap');
  const daily = amount(f.daily_limit, 'daily_limit');
  const threshold = amount(f.approval_threshold, 'approval_threshold', true);
  if (perTx !== null && daily !== null && perTx > daily && !errors.per_tx_cap) errors.per_tx_cap = 'per_tx_cap must not exceed daily_limit';
  let time_window: PolicyCreate['time_window'] = null;
  if (f.window) {
    if (!HH_MM.test(f.start)) errors['time_window.start'] = 'must be HH:MM between 00:00 and 23:59';
    if (!HH_MM.test(f.end)) errors['time_window.end'] = 'must be HH:MM between 00:00 and 23:59';
    else if (f.start === f.end) errors['time_window.end'] = 'end must differ from start (a window that never closes needs no time window)';
    if (!f.timezone.trim() || !isTimeZone(f.timezone.trim())) errors['time_window.timezone'] = 'must be an IANA time zone such as Asia/Kolkata';
    time_window = { start: f.start, end: f.end, timezone: f.timezone.trim(), ...(f.days.length > 0 ? { days: DAYS.filter((d) => f.days.includes(d)) } : {}) };
  }
  const ips = lines(f.ips);
  if (ips.length > 100) errors.ip_allowlist = 'At most 100 entries.';
  else if (ips.some((ip) => !isCidr(ip))) errors.ip_allowlist = `must be an IPv4/IPv6 address or CIDR: ${ips.filter((ip) => !isCidr(ip)).join(', ')}`;
  if (Object.keys(errors).length > 0 || perTx === null || daily === null) return { errors, body: null };
  return {
    errors,
    body: {
      agent_account_id: f.agent_account_id,
      name,
      currency,
      vendor_allowlist: vendors,
      per_tx_cap: perTx,
      daily_limit: daily,
      approval_threshold: threshold,
      time_window,
      ip_allowlist: ips.length > 0 ? ips : null,
    },
  };
}

function PolicyDialog({ policy, accounts, open, onClose }: { policy: Policy | null; accounts: AgentAccount[]; open: boolean; onClose: () => void }) {
  const [form, setForm] = useState(() => initialState(policy, accounts));
  const [errors, setErrors] = useState<Errors>({});
  const save = useSavePolicy();
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));
  // The API names the failing field (body.vendor_allowlist.0 → vendor_allowlist): shown under it.
  const apiField = errorField(save.error);
  const apiKey = apiField && (apiField.startsWith('time_window.') ? apiField.split('.').slice(0, 2).join('.') : apiField.split('.')[0]);
  const errorFor = (key: string) => errors[key] ?? (apiKey === key ? save.error?.message : null);
  const shownInField = apiKey !== null && apiKey !== undefined && ['agent_account_id', 'name', 'currency', 'vendor_allowlist', 'per_tx_cap', 'daily_limit', 'approval_threshold', 'time_window.start', 'time_window.end', 'time_window.timezone', 'time_window.days', 'ip_allowlist'].includes(apiKey);
  const currency = form.currency.toUpperCase();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(form, policy === null);
    setErrors(result.errors);
    if (!result.body) return;
    save.mutate({ id: policy?.policy_id ?? null, body: result.body }, { onSuccess: onClose });
  };

  return (
    <Dialog open={open} onOpenChange={(next) => !next && onClose()}>
      <DialogContent className="max-w-2xl">
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>{policy ? `Edit ${policy.name}` : 'New policy'}</DialogTitle>
            <DialogDescription>
              {policy ? `Version ${policy.version}. Saving makes version ${policy.version + 1}; mandates signed under older versions keep their rules.` : 'What an agent account may spend, where and when. It starts at version 1.'}
            </DialogDescription>
          </DialogHeader>
          <div className="grid gap-4 sm:grid-cols-2">
            {policy === null ? (
              <Field label="Agent account" error={errorFor('agent_account_id')}>
                {(props) => (
                  <Select {...props} value={form.agent_account_id} onChange={(e) => set('agent_account_id', e.target.value)}>
                    {accounts.map((a) => (
                      <option key={a.agent_account_id} value={a.agent_account_id}>
                        {a.name}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            ) : (
              <div className="flex flex-col gap-1.5 text-sm">
                <span className="font-medium text-slate-800">Agent account</span>
                <span className="font-mono text-xs text-slate-700">{accounts.find((a) => a.agent_account_id === policy.agent_account_id)?.name ?? policy.agent_account_id}</span>
              </div>
            )}
            <Field label="Name" error={errorFor('name')}>
              {(props) => <Input {...props} value={form.name} maxLength={120} onChange={(e) => set('name', e.target.value)} />}
            </Field>
            <Field label="Currency" hint="ISO 4217, e.g. USD, INR." error={errorFor('currency')}>
              {(props) => <Input {...props} value={form.currency} maxLength={3} onChange={(e) => set('currency', e.target.value.toUpperCase())} />}
            </Field>
            <Field label="Vendor allowlist" hint="One vendor id per line (or comma-separated)." error={errorFor('vendor_allowlist')}>
              {(props) => (
                <textarea
                  {...props}
                  rows={3}
                  value={form.vendors}
                  onChange={(e) => set('vendors', e.target.value)}
                  className="w-full rounded-md border border-slate-400 bg-white px-3 py-2 font-mono text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600 aria-invalid:border-red-700"
                />
              )}
            </Field>
            <Field label="Per-transaction cap" hint={moneyHint(currency)} error={errorFor('per_tx_cap')}>
              {(props) => <Input {...props} inputMode="decimal" value={form.per_tx_cap} onChange={(e) => set('per_tx_cap', e.target.value)} />}
            </Field>
            <Field label="Daily limit" hint={moneyHint(currency)} error={errorFor('daily_limit')}>
              {(props) => <Input {...props} inputMode="decimal" value={form.daily_limit} onChange={(e) => set('daily_limit', e.target.value)} />}
            </Field>
            <Field label="Approval threshold (optional)" hint="Payments above it wait for a person to approve. Empty: none." error={errorFor('approval_threshold')}>
              {(props) => <Input {...props} inputMode="decimal" value={form.approval_threshold} onChange={(e) => set('approval_threshold', e.target.value)} />}
            </Field>
            <Field label="IP allowlist (optional)" hint="Addresses or CIDRs the agent may pay from, one per line. Empty: any." error={errorFor('ip_allowlist')}>
              {(props) => (
                <textarea
                  {...props}
                  rows={2}
                  value={form.ips}
                  onChange={(e) => set('ips', e.target.value)}
                  className="w-full rounded-md border border-slate-400 bg-white px-3 py-2 font-mono text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600 aria-invalid:border-red-700"
                />
              )}
            </Field>
          </div>
          <fieldset className="rounded-md border border-slate-200 p-4">
            <legend className="px-1 text-sm font-medium text-slate-800">Time window</legend>
            <label className="mb-3 flex items-center gap-2 text-sm text-slate-800">
              <input type="checkbox" checked={form.window} onChange={(e) => set('window', e.target.checked)} className="h-4 w-4" />
              Only allow payments inside a time window
            </label>
            {form.window && (
              <div className="grid gap-4 sm:grid-cols-3">
                <Field label="Start" hint="HH:MM" error={errorFor('time_window.start')}>
                  {(props) => <Input {...props} value={form.start} placeholder="09:00" onChange={(e) => set('start', e.target.value)} />}
                </Field>
                <Field label="End" hint="HH:MM (may be past midnight)" error={errorFor('time_window.end')}>
                  {(props) => <Input {...props} value={form.end} placeholder="18:00" onChange={(e) => set('end', e.target.value)} />}
                </Field>
                <Field label="Time zone" hint="IANA, e.g. Asia/Kolkata" error={errorFor('time_window.timezone')}>
                  {(props) => <Input {...props} value={form.timezone} onChange={(e) => set('timezone', e.target.value)} />}
                </Field>
                <fieldset className="sm:col-span-3">
                  <legend className="mb-1.5 text-sm font-medium text-slate-800">Days (none ticked: every day)</legend>
                  <div className="flex flex-wrap gap-3">
                    {DAYS.map((d) => (
                      <label key={d} className="flex items-center gap-1.5 text-sm text-slate-800">
                        <input
                          type="checkbox"
                          className="h-4 w-4"
                          checked={form.days.includes(d)}
                          onChange={(e) => set('days', e.target.checked ? [...form.days, d] : form.days.filter((x) => x !== d))}
                        />
                        {d}
                      </label>
                    ))}
                  </div>
                  {errorFor('time_window.days') && <p className="mt-1 text-xs font-medium text-red-800">{errorFor('time_window.days')}</p>}
                </fieldset>
              </div>
            )}
          </fieldset>
          {save.error && !shownInField && <FormError error={save.error} />}
          {Object.keys(errors).length > 0 && (
            <p role="alert" className="text-sm font-medium text-red-800">
              Fix the fields marked above.
            </p>
          )}
          <DialogFooter>
            <DialogClose asChild>
              <Button type="button" variant="secondary">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : policy ? `Save as version ${policy.version + 1}` : 'Create policy'}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** Today's spend under the policy against its daily limit (the policy's day, in its time zone). */
function SpentToday({ policy }: { policy: Policy }) {
  const spend = usePolicySpend(policy.policy_id);
  if (spend.isError) return <span className="text-red-800">could not load</span>;
  if (!spend.data) return <span className="text-slate-600">…</span>;
  const { spent_today: spent, daily_limit: limit, remaining_today: left } = spend.data;
  return (
    <div>
      <div>
        {formatMoney(spent, policy.currency)} <span className="text-slate-600">of</span> {formatMoney(limit, policy.currency)}
      </div>
      <div className={left === 0 ? 'text-xs text-red-800' : 'text-xs text-slate-600'}>{formatMoney(left, policy.currency)} left</div>
    </div>
  );
}

function rulesText(v: PolicyVersion): string[] {
  return [
    `per transaction ${formatMoney(v.per_tx_cap, v.currency)}, daily ${formatMoney(v.daily_limit, v.currency)}`,
    `vendors ${v.vendor_allowlist.join(', ')}`,
    v.approval_threshold ? `approval from ${formatMoney(v.approval_threshold, v.currency)}` : 'no approval threshold',
    windowText(v),
    v.ip_allowlist?.length ? `IPs ${v.ip_allowlist.join(', ')}` : 'any IP',
  ];
}

/** A policy's versions, newest first: what each mandate signed under an older version was checked against. */
function HistoryDialog({ policy, onClose }: { policy: Policy; onClose: () => void }) {
  const versions = usePolicyVersions(policy.policy_id);
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>History of {policy.name}</DialogTitle>
          <DialogDescription>Every change made a new version; mandates keep the version they were signed under.</DialogDescription>
        </DialogHeader>
        {versions.isError ? (
          <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />
        ) : !versions.data ? (
          <LoadingRows rows={2} label="Loading versions" />
        ) : (
          <ol className="flex max-h-96 flex-col gap-3 overflow-y-auto text-sm" aria-label="Versions">
            {versions.data.map((v) => (
              <li key={v.version} className="rounded-md border border-slate-200 p-3">
                <div className="flex items-center gap-2">
                  <Badge variant={v.current ? 'success' : 'neutral'}>v{v.version}</Badge>
                  {v.current && <span className="text-xs text-slate-700">current</span>}
                  <span className="ml-auto text-xs text-slate-600">{formatDateTime(v.created_at)}</span>
                </div>
                <ul className="mt-2 list-disc pl-5 text-slate-800">
                  {rulesText(v).map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        )}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Close</Button>
          </DialogClose>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function windowText(p: Pick<Policy, 'time_window'>): string {
  const w = p.time_window;
  if (!w) return 'any time';
  return `${w.start}–${w.end} ${w.timezone}${w.days?.length ? ` (${w.days.join(', ')})` : ''}`;
}

export default function Policies() {
  const writer = canWrite(useSession());
  const policies = usePolicies();
  const accounts = useAgentAccounts();
  const accountList = accounts.data?.data ?? [];
  const names = new Map(accountList.map((a) => [a.agent_account_id, a.name]));
  // null: closed; 'new': creating; a policy: editing it. The key remounts the form with fresh values.
  const [editing, setEditing] = useState<Policy | 'new' | null>(null);
  const [history, setHistory] = useState<Policy | null>(null);

  return (
    <div>
      <PageHeader
        title="Policies"
        description="Spending rules for agent accounts: currency, vendors, caps, approval threshold, time window, IP allowlist. Every change is a new version."
        actions={
          writer && (
            <Button onClick={() => setEditing('new')} disabled={accountList.length === 0}>
              <Plus className="h-4 w-4" aria-hidden="true" /> New policy
            </Button>
          )
        }
      />
      <Card>
        <CardContent className="pt-6">
          {policies.isError ? (
            <ErrorState error={policies.error} onRetry={() => void policies.refetch()} />
          ) : !policies.data ? (
            <LoadingRows rows={4} label="Loading policies" />
          ) : policies.data.length === 0 ? (
            <EmptyState title="No policies yet">A policy says what an agent account may spend; a mandate needs one.</EmptyState>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Policy</TableHead>
                  <TableHead>Version</TableHead>
                  <TableHead>Vendors</TableHead>
                  <TableHead className="text-right">Per transaction</TableHead>
                  <TableHead className="text-right">Daily limit</TableHead>
                  <TableHead className="text-right">Spent today</TableHead>
                  <TableHead className="text-right">Approval over</TableHead>
                  <TableHead>When</TableHead>
                  <TableHead>Updated</TableHead>
                  <TableHead>Actions</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {policies.data.map((p) => (
                  <TableRow key={p.policy_id}>
                    <TableCell>
                      <div className="font-medium text-slate-900">{p.name}</div>
                      <div className="text-xs text-slate-600">{names.get(p.agent_account_id) ?? p.agent_account_id}</div>
                      <div className="font-mono text-xs text-slate-600">{p.policy_id}</div>
                    </TableCell>
                    <TableCell>
                      <Badge variant="neutral">v{p.version}</Badge>
                    </TableCell>
                    <TableCell className="font-mono text-xs">{p.vendor_allowlist.join(', ')}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(p.per_tx_cap, p.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(p.daily_limit, p.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums whitespace-nowrap">
                      <SpentToday policy={p} />
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{p.approval_threshold ? formatMoney(p.approval_threshold, p.currency) : '—'}</TableCell>
                    <TableCell className="text-xs">
                      {windowText(p)}
                      {p.ip_allowlist?.length ? <div className="text-slate-600">IPs: {p.ip_allowlist.join(', ')}</div> : null}
                    </TableCell>
                    <TableCell className="whitespace-nowrap">{formatDateTime(p.updated_at)}</TableCell>
                    <TableCell>
                      <div className="flex gap-2">
                        <Button variant="secondary" size="sm" onClick={() => setHistory(p)} aria-label={`History of ${p.name}`}>
                          History
                        </Button>
                        {writer && (
                          <Button variant="secondary" size="sm" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
                            Edit
                          </Button>
                        )}
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      {history !== null && <HistoryDialog policy={history} onClose={() => setHistory(null)} />}
      {editing !== null && (
        <PolicyDialog
          key={editing === 'new' ? 'new' : `${editing.policy_id}-${editing.version}`}
          policy={editing === 'new' ? null : editing}
          accounts={accountList}
          open
          onClose={() => setEditing(null)}
        />
      )}
    </div>
  );
}
