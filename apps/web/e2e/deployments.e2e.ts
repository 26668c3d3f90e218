import { describe, expect, it } from 'vitest';
import { apiCall, logInThroughPage, settle, signupViaApi, useBrowser } from './support/browser.ts';

/** An org with a funded agent account and a USD policy for Hello World, and a deployment of it. */
async function deployedOrg(prefix: string, policy: Record<string, unknown> = {}) {
  const org = await signupViaApi(prefix);
  const account = await apiCall<{ id: string }>('POST', '/agent-accounts', org.apiKey, { name: `${prefix} wallet`, risk_tier: 'LOW' });
  await apiCall('POST', `/agent-accounts/${account.id}/top-ups`, org.apiKey, { amount: 1_000, currency: 'USD' });
  const pol = await apiCall<{ id: string }>('POST', '/policies', org.apiKey, {
    agent_account_id: account.id, name: `${prefix} policy`, currency: 'USD', vendor_allowlist: ['agt_hello_world'], per_tx_cap: 500, daily_limit: 1_000, ...policy,
  });
  const deployment = await apiCall<{ deployment_id: string }>('POST', '/agents/agt_hello_world/deploy', org.apiKey, { agent_account_id: account.id, policy_id: pol.id });
  return { ...org, accountId: account.id, deploymentId: deployment.deployment_id };
}

describe('deployments and executions pages', () => {
  const b = useBrowser();

  it('pauses, resumes, configures, executes and deletes a deployment; the run shows in the filtered executions list and its detail', async () => {
    const org = await deployedOrg('deploy-actions');
    const { page } = await b.ctx();
    await logInThroughPage(page, org.email, org.password, '/dashboard/deployments');
    await settle(page);
    const row = page.getByRole('row').filter({ hasText: org.deploymentId });
    await row.getByText('active', { exact: true }).waitFor();

    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByText('paused', { exact: true }).waitFor();
    expect(await row.getByRole('button', { name: 'Execute' }).isDisabled()).toBe(true);
    expect((await apiCall<{ status: string }>('GET', `/deployments/${org.deploymentId}`, org.apiKey)).status).toBe('paused');
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.getByText('active', { exact: true }).waitFor();

    // Configure: a bad config is caught in the form; a good one is saved.
    await row.getByRole('button', { name: 'Configure' }).click();
    const configure = page.getByRole('dialog', { name: 'Configure agt_hello_world' });
    await configure.getByLabel(/^Config/).fill('[1, 2]');
    await configure.getByRole('button', { name: 'Save' }).click();
    await configure.getByRole('alert').filter({ hasText: 'The config must be a JSON object.' }).waitFor();
    await configure.getByLabel(/^Config/).fill('{"greeting_style": "warm"}');
    await configure.getByLabel(/^Allowed hosts/).fill('api.example.com');
    await configure.getByLabel(/^Max concurrency/).fill('3');
    await configure.getByRole('button', { name: 'Save' }).click();
    await configure.waitFor({ state: 'hidden' });
    await row.getByText('max 3 at once').waitFor();
    await row.getByText('api.example.com').waitFor();
    const saved = await apiCall<{ config: unknown; allowed_hosts: string[]; max_concurrency: number }>('GET', `/deployments/${org.deploymentId}`, org.apiKey);
    expect(saved).toMatchObject({ config: { greeting_style: 'warm' }, allowed_hosts: ['api.example.com'], max_concurrency: 3 });

    // Execute from the row: the run form, then the output.
    await row.getByRole('button', { name: 'Execute' }).click();
    const run = page.getByRole('dialog', { name: 'Try Hello World' });
    await run.getByLabel(/^name/).fill('Rows');
    await run.getByRole('button', { name: 'Run', exact: true }).click();
    const outputs = run.getByLabel('Outputs');
    await expect.poll(async () => ((await outputs.count()) > 0 ? await outputs.textContent() : ''), { timeout: 30_000 }).toContain('Hello, Rows');
    await page.keyboard.press('Escape');
    await run.waitFor({ state: 'hidden' });

    // The executions list filtered by this deployment and by status, then the run's page.
    await row.getByRole('link', { name: 'Runs' }).click();
    await page.waitForURL(`**/app/dashboard/executions?deployment_id=${org.deploymentId}`);
    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No executions match these filters').waitFor();
    await page.getByLabel('Status').selectOption('succeeded');
    const runRow = page.getByRole('row').filter({ hasText: 'agt_hello_world' });
    await runRow.getByText('$1.00').waitFor();
    await runRow.getByRole('link', { name: 'agt_hello_world' }).click();
    await page.waitForURL('**/app/dashboard/executions/exe_*');
    await page.getByRole('heading', { name: 'Inputs', level: 2 }).waitFor();
    await page.getByLabel('Inputs').getByText('"Rows"').waitFor();

    // Delete: confirmed in a dialog; afterwards the deployment is gone from the list and the API (404).
    await page.goto('/app/dashboard/deployments');
    await settle(page);
    await row.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this deployment?' });
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await confirm.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    await expect(apiCall('GET', `/deployments/${org.deploymentId}`, org.apiKey)).rejects.toThrow(/→ 404/);
    await expect(apiCall('POST', '/agents/agt_hello_world/execute', org.apiKey, { deployment_id: org.deploymentId, inputs: { name: 'x' } })).rejects.toThrow(/→ 404/);
  });

  it('aborts a run that waits for approval from its page: the hold is voided, nothing is charged', async () => {
    const org = await deployedOrg('deploy-abort', { approval_threshold: 100 });
    const started = await apiCall<{ execution_id: string; status: string }>('POST', '/agents/agt_hello_world/execute', org.apiKey, { deployment_id: org.deploymentId, inputs: { name: 'Later' } });
    expect(started.status).toBe('awaiting_approval');
    const { page } = await b.ctx();
    await logInThroughPage(page, org.email, org.password, `/dashboard/executions/${started.execution_id}`);
    await settle(page);
    await page.getByRole('link', { name: 'Approve it in the inbox' }).waitFor();
    await page.getByRole('button', { name: 'Abort run' }).click();
    await page.getByText('aborted', { exact: true }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Abort run' }).count()).toBe(0);
    const after = await apiCall<{ status: string; cost: { amount: number } }>('GET', `/executions/${started.execution_id}`, org.apiKey);
    expect(after).toMatchObject({ status: 'aborted', cost: { amount: 0 } });
    const account = await apiCall<{ wallet: { balances: { currency: string; balance: number }[] } }>('GET', `/agent-accounts/${org.accountId}`, org.apiKey);
    expect(account.wallet.balances).toEqual([expect.objectContaining({ currency: 'USD', balance: 1_000 })]);
  });
});
