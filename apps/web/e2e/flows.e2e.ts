import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { DEMO } from './support/server.ts';
import { PASSWORD, apiCall, logInThroughPage, settle, signupViaApi, uniqueEmail, useBrowser } from './support/browser.ts';

/** The value of the first option of `select` whose text starts with `prefix` (option texts carry balances). */
async function chooseOption(select: Locator, prefix: string): Promise<void> {
  const option = select.getByRole('option', { name: new RegExp(`^${prefix}`) });
  await option.waitFor({ state: 'attached' });
  const value = await option.first().getAttribute('value');
  await select.selectOption(value ?? '');
}

async function openHelloWorld(page: Page): Promise<void> {
  await page.goto('/app/marketplace');
  await settle(page);
  await page.getByLabel('Search').fill('Hello World');
  await page.getByLabel('Search').press('Enter');
  await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('Hello World');
  await settle(page);
  await page.getByRole('link', { name: 'Hello World', exact: true }).first().click();
  await page.waitForURL('**/app/marketplace/agt_hello_world');
  await page.getByRole('heading', { name: 'Hello World', level: 1 }).waitFor();
}

function activeInside(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el.contains(document.activeElement));
}

describe('flows through the pages', () => {
  const b = useBrowser();
  const tmp = mkdtempSync(join(tmpdir(), 'frameos-e2e-code-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('holds a run for a person: the policy asks for approval, the run waits, approving it in the inbox runs it', async () => {
    const owner = await signupViaApi('approver');
    const account = await apiCall<{ id: string }>('POST', '/agent-accounts', owner.apiKey, { name: 'Careful wallet', risk_tier: 'LOW' });
    await apiCall('POST', `/agent-accounts/${account.id}/top-ups`, owner.apiKey, { amount: 1_000, currency: 'USD' });
    const policy = await apiCall<{ id: string }>('POST', '/policies', owner.apiKey, {
      agent_account_id: account.id, name: 'Ask above 0.50', currency: 'USD', vendor_allowlist: ['agt_hello_world'], per_tx_cap: 500, daily_limit: 2_000, approval_threshold: 50,
    });
    const deployment = await apiCall<{ deployment_id: string }>('POST', '/agents/agt_hello_world/deploy', owner.apiKey, { agent_account_id: account.id, policy_id: policy.id });
    const run = await apiCall<{ execution_id: string; status: string; mandate_id: string }>('POST', '/agents/agt_hello_world/execute', owner.apiKey, { deployment_id: deployment.deployment_id, inputs: { name: 'Waiting' } });
    expect(run.status).toBe('awaiting_approval');

    const { page } = await b.ctx();
    await logInThroughPage(page, owner.email, owner.password, '/approvals');
    await page.waitForURL('**/app/approvals');
    await settle(page);
    const waiting = page.getByRole('region', { name: /^Mandates waiting/ });
    await waiting.getByText(run.mandate_id).first().waitFor();
    await waiting.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(async () => (await apiCall<{ status: string }>('GET', `/executions/${run.execution_id}`, owner.apiKey)).status, { timeout: 30_000 }).toBe('succeeded');
    const done = await apiCall<{ outputs: { greeting: string }; cost: { amount: number } }>('GET', `/executions/${run.execution_id}`, owner.apiKey);
    expect(done).toMatchObject({ outputs: { greeting: 'Hello, Waiting' }, cost: { amount: 100 } });
  });

  it('pays for a run: sign up → agent account → top up → policy → deploy → try → receipts → verify the chain', async () => {
    const { page } = await b.ctx();

    await page.goto('/app/signup');
    await page.getByLabel('Organization name').fill('E2E Pay Org');
    await page.getByLabel('Email').fill(uniqueEmail('payer'));
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText('Your organization is ready').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/app/dashboard');

    // An agent account: its key is shown once.
    await page.goto('/app/dashboard/agent-accounts');
    await settle(page);
    await page.getByRole('button', { name: 'New agent account' }).click();
    const create = page.getByRole('dialog', { name: 'New agent account' });
    await create.getByLabel('Name').fill('E2E wallet');
    await create.getByRole('button', { name: 'Create' }).click();
    const secret = page.getByRole('dialog', { name: 'API key for E2E wallet' });
    await secret.getByText('Copy the agent API key now: it is shown only once').waitFor();
    await secret.getByRole('button', { name: 'I have copied it' }).click();
    await secret.waitFor({ state: 'hidden' });

    // Top up in test mode.
    const row = page.getByRole('row').filter({ hasText: 'E2E wallet' });
    await row.getByRole('button', { name: 'Top up' }).click();
    const topUp = page.getByRole('dialog', { name: 'Top up E2E wallet' });
    expect(await topUp.getByLabel('Currency').inputValue()).toBe('USD');
    await topUp.getByLabel('Amount').fill('10.00');
    await topUp.getByRole('button', { name: 'Top up' }).click();
    await topUp.waitFor({ state: 'hidden' });
    await row.getByText('$10.00').waitFor();

    // A policy in USD allowing agt_hello_world.
    await page.goto('/app/dashboard/policies');
    await settle(page);
    await page.getByRole('button', { name: 'New policy' }).click();
    const policy = page.getByRole('dialog', { name: 'New policy' });
    await policy.getByLabel('Name', { exact: true }).fill('E2E policy');
    expect(await policy.getByLabel('Currency').inputValue()).toBe('USD');
    await policy.getByLabel('Vendor allowlist').fill('agt_hello_world');
    await policy.getByLabel('Per-transaction cap').fill('5.00');
    await policy.getByLabel('Daily limit').fill('20.00');
    await policy.getByRole('button', { name: 'Create policy' }).click();
    await policy.waitFor({ state: 'hidden' });
    await page.getByRole('row').filter({ hasText: 'E2E policy' }).waitFor();

    // The marketplace → Hello World → Deploy through the mandate modal.
    await openHelloWorld(page);
    await page.getByRole('button', { name: 'Deploy' }).click();
    const deploy = page.getByRole('dialog', { name: 'Deploy Hello World' });
    await chooseOption(deploy.getByLabel('Agent account'), 'E2E wallet');
    await chooseOption(deploy.getByLabel('Policy'), 'E2E policy');
    await deploy.getByText('Agent price').waitFor();
    // Today's remaining daily limit, from GET /policies/:id/spend: nothing spent yet.
    await deploy.getByText(/^\$20\.00 of \$20\.00 \(\$0\.00 spent/).waitFor();
    await deploy.getByRole('button', { name: 'Confirm and deploy' }).click();
    await deploy.getByRole('status').filter({ hasText: /^Deployed as/ }).waitFor();
    await deploy.getByRole('button', { name: 'Done' }).click();
    await deploy.waitFor({ state: 'hidden' });

    // Try it: the run completes, its output and cost.
    await page.getByRole('button', { name: 'Try' }).click();
    const tryDialog = page.getByRole('dialog', { name: 'Try Hello World' });
    await tryDialog.getByLabel(/^name/).fill('E2E');
    await tryDialog.getByRole('button', { name: 'Run', exact: true }).click();
    const outputs = tryDialog.getByLabel('Outputs');
    await expect.poll(async () => ((await outputs.count()) > 0 ? await outputs.textContent() : ''), { timeout: 30_000 }).toContain('Hello, E2E');
    await tryDialog.getByText('$1.00', { exact: true }).waitFor();

    // The payment and its receipts.
    await tryDialog.getByRole('link', { name: /^pay_/ }).click();
    await page.waitForURL('**/app/dashboard/payments/*');
    await page.getByRole('heading', { name: 'Receipts', level: 2 }).waitFor();
    await expect
      .poll(
        async () => {
          await settle(page);
          const n = await page.getByRole('row').filter({ hasText: /rcp_/ }).count();
          if (n === 0) await page.reload();
          return n;
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);

    // The receipts page: the account's chain verifies.
    await page.goto('/app/dashboard/receipts');
    await settle(page);
    await chooseOption(page.getByLabel('Agent account'), 'E2E wallet');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText('The chain is valid').waitFor();

    // The overview: today's and this month's spend, and every chain verified.
    await page.goto('/app/dashboard');
    const spend = page.getByRole('region', { name: 'Spend' });
    await expect.poll(async () => spend.textContent(), { timeout: 15_000 }).toMatch(/Today\$1\.00 in 1 payment\s*This month\$1\.00 in 1 payment/);
    await page.getByRole('region', { name: 'Receipt chains' }).getByRole('status').filter({ hasText: '1 of 1 verified' }).waitFor();

    // The policies page: today's spend against the limit, and the policy's history.
    await page.goto('/app/dashboard/policies');
    const policyRow = page.getByRole('row').filter({ hasText: 'E2E policy' });
    await policyRow.getByText('$1.00 of $20.00').waitFor();
    await policyRow.getByText('$19.00 left').waitFor();
    await policyRow.getByRole('button', { name: 'History of E2E policy' }).click();
    const history = page.getByRole('dialog', { name: 'History of E2E policy' });
    await history.getByRole('list', { name: 'Versions' }).getByText('current').waitFor();
    await page.keyboard.press('Escape');
    await history.waitFor({ state: 'hidden' });
  });

  it('developer → admin → marketplace: the demo user registers an agent, approves it, finds it listed', async () => {
    const { page } = await b.ctx();
    const suffix = randomUUID().replaceAll('-', '').slice(0, 10);
    const agentId = `agt_e2e_${suffix}`;
    const name = `E2E Greeter ${suffix}`;
    const codePath = join(tmp, 'index.js');
    writeFileSync(codePath, "export default async function handler(i){ return { greeting: 'Hello, ' + i.name }; }\n");

    await logInThroughPage(page, DEMO.email, DEMO.password);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Developer' }).click();
    await page.waitForURL('**/app/developer');
    await settle(page);
    await page.getByRole('link', { name: 'Register an agent' }).click();
    await page.waitForURL('**/app/developer/register');
    await settle(page);
    await page.getByRole('button', { name: 'Fill in the Hello World example' }).click();
    await page.getByLabel('Agent id').fill(agentId);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Code file').setInputFiles(codePath);
    await page.getByText(/^index\.js · \d+ bytes$/).waitFor();
    await page.getByRole('button', { name: 'Register for review' }).click();
    await page.getByRole('heading', { name: new RegExp(`^Registered ${agentId} v`) }).waitFor({ timeout: 30_000 });

    // Another browser (nothing remembered locally) sees it in the portal, waiting for review (GET /developers/me/agents).
    const other = (await b.ctx()).page;
    await logInThroughPage(other, DEMO.email, DEMO.password, '/developer');
    const mine = other.getByRole('listitem').filter({ hasText: agentId });
    await mine.getByText('pending review').first().waitFor();

    // The admin page approves it.
    await nav.getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL('**/app/admin');
    await settle(page);
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, level: 2 }) });
    await card.getByRole('button', { name: /^Approve v/ }).click();
    const approve = page.getByRole('dialog');
    await approve.getByRole('button', { name: 'Approve', exact: true }).click();
    await approve.waitFor({ state: 'hidden' });

    // The marketplace lists it.
    await page.goto(`/app/marketplace?q=${encodeURIComponent(name)}`);
    await expect
      .poll(
        async () => {
          await settle(page);
          const n = await page.getByRole('link', { name, exact: true }).count();
          if (n === 0) await page.reload();
          return n;
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    await page.getByRole('link', { name, exact: true }).click();
    await page.waitForURL(`**/app/marketplace/${agentId}`);
    await page.getByRole('heading', { name, level: 1 }).waitFor();
  });

  it('a dialog traps focus, Escape closes it and focus returns to its button (New agent account)', async () => {
    const { page } = await b.ctx();
    const owner = await signupViaApi('focus');
    await logInThroughPage(page, owner.email, PASSWORD, '/dashboard/agent-accounts');
    await settle(page);
    const button = page.getByRole('button', { name: 'New agent account' });
    await button.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New agent account' });
    await dialog.waitFor();
    await expect.poll(() => activeInside(dialog)).toBe(true);
    // Name, Risk tier, Cancel, Create, Close: Tab and Shift+Tab go round inside the dialog.
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await activeInside(dialog)).toBe(true);
    }
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await activeInside(dialog)).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => button.evaluate((el) => el === document.activeElement)).toBe(true);

    // The Deploy dialog (mounted only while open) traps focus, closes on Escape and gives focus back too.
    await openHelloWorld(page);
    const deployButton = page.getByRole('button', { name: 'Deploy' });
    await deployButton.focus();
    await page.keyboard.press('Enter');
    const deploy = page.getByRole('dialog', { name: 'Deploy Hello World' });
    await deploy.waitFor();
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      expect(await activeInside(deploy)).toBe(true);
    }
    await page.keyboard.press('Escape');
    await deploy.waitFor({ state: 'hidden' });
    await expect.poll(() => deployButton.evaluate((el) => el === document.activeElement)).toBe(true);
  });
});
