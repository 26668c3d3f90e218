import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, idempotencyKey, unwrap } from '@/api/client';
import { useAgentAccounts, usePolicySpend, type AgentDetail } from '@/api/queries';
import { usePolicies, useInvalidateRuns, type Policy } from '@/api/runs';
import { ErrorState, LoadingRows } from '@/components/states';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Select } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { formatMoney } from '@/lib/money';

function PriceCheck({ agent, policy }: { agent: AgentDetail; policy: Policy }) {
  const spend = usePolicySpend(policy.policy_id);
  const { amount, currency } = agent.manifest.pricing;
  const rows: { label: string; value: string; problem?: string }[] = [{ label: 'Agent price', value: `${formatMoney(amount, currency)} per ${agent.manifest.pricing.model === 'pay_per_use' ? 'unit' : agent.manifest.pricing.model === 'subscription' ? '30 days' : 'run'}` }];
  const sameCurrency = !policy.currency || policy.currency === currency;
  const pc = policy.currency ?? currency;
  if (!sameCurrency) rows.push({ label: 'Policy currency', value: pc, problem: `The policy pays in ${pc}; this agent charges ${currency}.` });
  if (typeof policy.per_tx_cap === 'number')
    rows.push({ label: 'Per-transaction cap', value: formatMoney(policy.per_tx_cap, pc), problem: sameCurrency && amount > policy.per_tx_cap ? 'The price is above the cap: runs would be refused.' : undefined });
  else rows.push({ label: 'Per-transaction cap', value: 'none' });
  if (typeof policy.daily_limit === 'number')
    rows.push({
      label: 'Daily limit',
      value: formatMoney(policy.daily_limit, pc),
      problem: sameCurrency && amount > policy.daily_limit ? 'The price is above the daily limit.' : undefined,
    });
  if (spend.data) {
    const left = spend.data.remaining_today;
    rows.push({
      label: 'Left today',
      value: `${formatMoney(left, pc)} of ${formatMoney(spend.data.daily_limit, pc)} (${formatMoney(spend.data.spent_today, pc)} spent; the day is ${spend.data.time_zone}'s)`,
      problem: sameCurrency && amount <= spend.data.daily_limit && amount > left ? 'The price is above what is left of today’s limit: a run now would be refused until the day turns.' : undefined,
    });
  } else rows.push({ label: 'Left today', value: spend.isError ? 'could not be loaded' : 'loading…' });
  if (typeof policy.approval_threshold === 'number' && amount >= policy.approval_threshold)
    rows.push({ label: 'Approval', value: `runs of ${formatMoney(policy.approval_threshold, pc)} or more wait for a person` });
  const allowed = !policy.vendor_allowlist || policy.vendor_allowlist.includes(agent.agent_id);
  if (!allowed) rows.push({ label: 'Vendors', value: 'not on the allowlist', problem: `The policy's vendor allowlist does not contain ${agent.agent_id}: runs would be refused.` });
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded-md border border-slate-200 p-3 text-sm">
      {rows.map((r) => (
        <div key={r.label} className="contents">
          <dt className="text-slate-600">{r.label}</dt>
          <dd>
            <span className="font-medium text-slate-900">{r.value}</span>
            {r.problem && <span className="block text-red-800">{r.problem}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The mandate modal: which agent account pays, under which policy; the price against the policy's limits. */
export function DeployDialog({ agent, open, onOpenChange }: { agent: AgentDetail; open: boolean; onOpenChange: (open: boolean) => void }) {
  const accounts = useAgentAccounts();
  const [accountId, setAccountId] = useState('');
  const [policyId, setPolicyId] = useState('');
  const policies = usePolicies(accountId || undefined);
  const invalidate = useInvalidateRuns();
  const navigate = useNavigate();
  const deploy = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/agents/{id}/deploy', { params: { path: { id: agent.agent_id } }, body: { agent_account_id: accountId, policy_id: policyId }, headers: { 'idempotency-key': idempotencyKey() } })),
    onSuccess: () => void invalidate(),
  });
  const policy = policies.data?.find((p) => p.policy_id === policyId);

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        onOpenChange(o);
        if (!o) deploy.reset();
      }}
    >
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Deploy {agent.manifest.name}</DialogTitle>
          <DialogDescription>Each run is paid from the agent account's wallet under the policy you choose, with a signed mandate.</DialogDescription>
        </DialogHeader>
        {deploy.isSuccess ? (
          <div className="flex flex-col gap-3 text-sm">
            <p role="status">
              Deployed as <span className="font-mono">{deploy.data.deployment_id}</span> ({deploy.data.status}).
            </p>
            <DialogFooter>
              <Button variant="secondary" onClick={() => void navigate('/dashboard/deployments')}>
                See deployments
              </Button>
              <Button onClick={() => onOpenChange(false)}>Done</Button>
            </DialogFooter>
          </div>
        ) : (
          <form
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              if (accountId && policyId) deploy.mutate();
            }}
          >
            {accounts.isError ? (
              <ErrorState title="Could not load the agent accounts" error={accounts.error} onRetry={() => void accounts.refetch()} />
            ) : !accounts.data ? (
              <LoadingRows rows={1} label="Loading the agent accounts" />
            ) : accounts.data.data.length === 0 ? (
              <p className="text-sm text-slate-700">You have no agent account yet: create one in the dashboard first.</p>
            ) : (
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="deploy-account">Agent account</Label>
                <Select
                  id="deploy-account"
                  value={accountId}
                  required
                  onChange={(e) => {
                    setAccountId(e.target.value);
                    setPolicyId('');
                  }}
                >
                  <option value="">Choose an agent account</option>
                  {accounts.data.data.map((a) => (
                    <option key={a.agent_account_id} value={a.agent_account_id}>
                      {a.name} — {a.wallet.balances.map((b) => formatMoney(b.balance, b.currency)).join(', ') || 'empty wallet'}
                    </option>
                  ))}
                </Select>
              </div>
            )}
            {accountId &&
              (policies.isError ? (
                <ErrorState title="Could not load the policies" error={policies.error} onRetry={() => void policies.refetch()} />
              ) : !policies.data ? (
                <LoadingRows rows={1} label="Loading the policies" />
              ) : policies.data.length === 0 ? (
                <p className="text-sm text-slate-700">This agent account has no policy: create one first.</p>
              ) : (
                <div className="flex flex-col gap-1.5">
                  <Label htmlFor="deploy-policy">Policy</Label>
                  <Select id="deploy-policy" value={policyId} required onChange={(e) => setPolicyId(e.target.value)}>
                    <option value="">Choose a policy</option>
                    {policies.data.map((p) => (
                      <option key={p.policy_id} value={p.policy_id}>
                        {p.name} (v{p.version})
                      </option>
                    ))}
                  </Select>
                </div>
              ))}
            {policy && <PriceCheck agent={agent} policy={policy} />}
            {deploy.isError && <ErrorState title="The deploy was refused" error={deploy.error} />}
            <DialogFooter>
              <Button type="button" variant="secondary" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button type="submit" disabled={!accountId || !policyId || deploy.isPending}>
                {deploy.isPending ? 'Deploying…' : 'Confirm and deploy'}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
