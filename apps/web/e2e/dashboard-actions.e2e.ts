import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { PASSWORD, apiCall, baseUrl, logInThroughPage, settle, shoot, signupViaApi, uniqueEmail, useBrowser } from './support/browser.ts';

/**
 * The dashboard's write actions, each clicked in the page and its outcome checked in the page and
 * through the public API: refunds, the receipts download, webhook endpoints and their deliveries,
 * members and roles, organization keys.
 */

type Owner = Awaited<ReturnType<typeof signupViaApi>>;
interface Payment {
  payment_id: string;
  status: string;
  amount: number;
  refunded_amount: number;
  agent_account_id: string;
}

/**
 * A ledger-rail vendor, a funded agent account and a policy for it: payments on the ledger rail settle
 * at once and can be refunded (the demo's x402 payments and marketplace runs cannot).
 */
async function ledgerAgent(owner: Owner): Promise<{ accountId: string; agentKey: string; policyId: string }> {
  await apiCall('POST', '/vendors', owner.apiKey, { vendor_id: 'e2e_shop', name: 'E2E shop', rail: 'ledger' });
  const account = await apiCall<{ id: string; api_key: string }>('POST', '/agent-accounts', owner.apiKey, { name: 'Shopping agent', risk_tier: 'LOW' });
  await apiCall('POST', `/agent-accounts/${account.id}/top-ups`, owner.apiKey, { amount: 100_000, currency: 'USD' });
  const policy = await apiCall<{ id: string }>('POST', '/policies', owner.apiKey, {
    agent_account_id: account.id, name: 'Shop', currency: 'USD', vendor_allowlist: ['e2e_shop'], per_tx_cap: 50_000, daily_limit: 100_000,
  });
  return { accountId: account.id, agentKey: account.api_key, policyId: policy.id };
}

/** The agent pays: a purchase intent, its mandate, executed on the ledger rail (settled at once). */
async function settledPayment(agent: { agentKey: string; policyId: string }, amount: number): Promise<Payment> {
  const intent = await apiCall<{ id: string }>('POST', '/purchase-intents', agent.agentKey, { vendor: 'e2e_shop', amount, currency: 'USD', description: 'E2E order' });
  const mandate = await apiCall<{ mandate_id: string }>('POST', '/mandates', agent.agentKey, { intent_id: intent.id, policy_id: agent.policyId });
  const payment = await apiCall<Payment>('POST', '/execute', agent.agentKey, { mandate_id: mandate.mandate_id });
  expect(payment.status).toBe('settled');
  return payment;
}

/** The value next to a label in a details list (`<dt>label</dt><dd>value</dd>`). */
function fact(page: Page, label: string): Locator {
  return page.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]');
}

/** Uncaught errors in the page: a crash would land here. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/** A local receiver for webhook deliveries: records each request, answers 200. */
async function webhookReceiver(): Promise<{ url: string; received: { headers: IncomingHttpHeaders; body: string }[]; close: () => Promise<void> }> {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hooks/frameos`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Standard Webhooks: HMAC-SHA256 of `id.timestamp.body` with the base64 secret after `whsec_`. */
function signedWith(secret: string, delivery: { headers: IncomingHttpHeaders; body: string }): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${String(delivery.headers['webhook-id'])}.${String(delivery.headers['webhook-timestamp'])}.${delivery.body}`).digest('base64');
  return String(delivery.headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
}

/** The secret in the one-time secret dialog, then closes it. */
async function takeSecret(page: Page, title: string): Promise<string> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.getByText(/it is shown only once$/).waitFor();
  const secret = await dialog.getByRole('textbox').inputValue();
  await dialog.getByRole('button', { name: 'I have copied it' }).click();
  await dialog.waitFor({ state: 'hidden' });
  return secret;
}

describe('dashboard actions', () => {
  const b = useBrowser();
  const tmp = mkdtempSync(join(tmpdir(), 'frameos-e2e-downloads-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  // One org with a settled ledger payment, for the refund and receipts tests.
  let shop: Owner;
  let agent: Awaited<ReturnType<typeof ledgerAgent>>;
  let payment: Payment;
  beforeAll(async () => {
    shop = await signupViaApi('refunds');
    agent = await ledgerAgent(shop);
    payment = await settledPayment(agent, 1_990);
  });

  it('refunds part of a settled payment, then a refund beyond what is left shows the API error in the dialog', async () => {
    const { page } = await b.ctx();
    const errors = pageErrors(page);
    await logInThroughPage(page, shop.email, PASSWORD, `/dashboard/payments/${payment.payment_id}`);
    await settle(page);
    await page.getByRole('heading', { name: '$19.90 to e2e_shop', level: 1 }).waitFor();
    expect(await fact(page, 'Rail').textContent()).toBe('ledger');
    expect(await fact(page, 'Refunded').textContent()).toBe('$0.00');
    await page.getByText('No refunds').waitFor();

    // A partial refund with its reason: the refund is listed and the payment says what was refunded.
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Refund ${payment.payment_id}` });
    await dialog.getByText('$19.90 of $19.90 can be refunded').waitFor();
    await dialog.getByLabel('Amount (empty: all that is left)').fill('5.00');
    await dialog.getByLabel('Reason').fill('Duplicate order');
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    const refundRow = page.getByRole('row').filter({ hasText: 'Duplicate order' });
    await refundRow.waitFor();
    expect(await refundRow.textContent()).toMatch(/rfd_\w+succeeded\$5\.00Duplicate order/);
    await expect.poll(() => fact(page, 'Refunded').textContent()).toBe('$5.00');
    expect(await fact(page, 'Status').textContent()).toBe('settled');
    const afterFirst = await apiCall<Payment>('GET', `/payments/${payment.payment_id}`, shop.apiKey);
    expect(afterFirst).toMatchObject({ refunded_amount: 500, status: 'settled' });
    const wallet = await apiCall<{ data: { reason: string; amount: number; status: string }[] }>('GET', `/payments/${payment.payment_id}/refunds`, shop.apiKey);
    expect(wallet.data).toEqual([expect.objectContaining({ reason: 'Duplicate order', amount: 500, status: 'succeeded' })]);
    await shoot(page, 'payment-refunded');

    // Someone else refunds 10.00 meanwhile (the page still thinks 14.90 is left): asking for 12.00
    // passes the page's own check, and the API's refusal is shown in the dialog.
    await apiCall('POST', `/payments/${payment.payment_id}/refunds`, shop.apiKey, { amount: 1_000, reason: 'Refunded by support' });
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await dialog.getByText('$14.90 of $19.90 can be refunded').waitFor();
    await dialog.getByLabel('Amount (empty: all that is left)').fill('12.00');
    await dialog.getByLabel('Reason').fill('Too much');
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    const alert = dialog.getByRole('alert');
    await alert.getByText('Only 490 minor units of this payment can still be refunded; 1200 were requested').waitFor();
    await alert.getByText('refund_exceeds_payment').waitFor();
    // The dialog stays open and learns what is really left; the page shows both refunds.
    await dialog.getByText('$4.90 of $19.90 can be refunded').waitFor();
    await shoot(page, 'payment-refund-refused');
    // Behind the open (modal) dialog the page is hidden from assistive tech: close it to read the page.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => fact(page, 'Refunded').textContent()).toBe('$15.00');
    await page.getByRole('row').filter({ hasText: 'Refunded by support' }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'Too much' }).count()).toBe(0);
    expect((await apiCall<Payment>('GET', `/payments/${payment.payment_id}`, shop.apiKey)).refunded_amount).toBe(1_500);

    // An empty amount refunds all that is left; a fully refunded payment offers no Refund any more.
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await dialog.getByText('$4.90 of $19.90 can be refunded').waitFor();
    // (The dialog keeps what was typed before Cancel: empty the amount.)
    await dialog.getByLabel('Amount (empty: all that is left)').fill('');
    await dialog.getByLabel('Reason').fill('Order cancelled');
    await dialog.getByRole('button', { name: 'Refund', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => fact(page, 'Refunded').textContent()).toBe('$19.90');
    expect(await page.getByRole('row').filter({ hasText: 'Order cancelled' }).textContent()).toContain('$4.90');
    await expect.poll(() => page.getByRole('button', { name: 'Refund', exact: true }).count()).toBe(0);
    expect((await apiCall<Payment>('GET', `/payments/${payment.payment_id}`, shop.apiKey)).refunded_amount).toBe(1_990);
    expect(errors).toEqual([]);
  });

  it('downloads the receipts chain as JSON (the account’s receipts) and verifies it', async () => {
    const { page } = await b.ctx();
    await logInThroughPage(page, shop.email, PASSWORD, '/dashboard/receipts');
    await settle(page);
    expect(await page.getByLabel('Agent account').inputValue()).toBe(agent.accountId);
    await page.getByRole('row').filter({ hasText: payment.payment_id }).first().waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
    expect(download.suggestedFilename()).toBe(`receipts-${agent.accountId}.json`);
    const file = join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { object: string; agent_account_id: string; data: { receipt_id: string; seq: number; hash: string; prev_hash: string; payment_id?: string }[] };
    expect(saved).toMatchObject({ object: 'list', agent_account_id: agent.accountId });

    // The file holds exactly the account's chain as the API lists it, in order, each linking to the one before.
    const listed = await apiCall<{ data: { receipt_id: string }[]; has_more: boolean }>('GET', `/receipts?agent_account_id=${agent.accountId}&limit=100`, shop.apiKey);
    expect(listed.has_more).toBe(false);
    expect(saved.data.map((r) => r.receipt_id)).toEqual(listed.data.map((r) => r.receipt_id));
    expect(saved.data.length).toBeGreaterThan(0);
    expect(saved.data.map((r) => r.seq)).toEqual(saved.data.map((_, i) => i + 1));
    for (let i = 1; i < saved.data.length; i++) expect(saved.data[i]?.prev_hash).toBe(saved.data[i - 1]?.hash);
    expect(saved.data.some((r) => r.payment_id === payment.payment_id)).toBe(true);

    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByRole('status').filter({ hasText: 'The chain is valid' });
    await result.waitFor();
    expect(await fact(page, 'Length').textContent()).toBe(`${saved.data.length} receipts`);
    expect(await fact(page, 'Head hash').textContent()).toBe(saved.data.at(-1)?.hash);
    expect(await fact(page, 'First invalid seq').textContent()).toBe('none');
    await shoot(page, 'receipts-verified');
  });

  it('webhook endpoints: create (secret once), a signed delivery, rotate, replay, disable and enable', async () => {
    const owner = await signupViaApi('hooks');
    const hookAgent = await ledgerAgent(owner);
    const receiver = await webhookReceiver();
    try {
      const { page } = await b.ctx();
      await logInThroughPage(page, owner.email, PASSWORD, '/dashboard/webhooks');
      await settle(page);
      await page.getByText('No webhook endpoints').waitFor();

      // Create: the signing secret is shown once.
      await page.getByRole('button', { name: 'New endpoint' }).click();
      const create = page.getByRole('dialog', { name: 'New webhook endpoint' });
      await create.getByLabel('URL').fill(receiver.url);
      expect(await create.getByRole('checkbox', { name: 'payment.settled' }).isChecked()).toBe(true);
      await create.getByRole('button', { name: 'Create endpoint' }).click();
      const firstSecret = await takeSecret(page, 'Signing secret');
      expect(firstSecret).toMatch(/^whsec_/);
      const row = page.getByRole('row').filter({ hasText: receiver.url });
      await row.getByText('enabled', { exact: true }).waitFor();
      // …and never again: not in the page, not after a reload, not from the API.
      expect(await page.content()).not.toContain(firstSecret);
      const [endpoint] = (await apiCall<{ data: { webhook_endpoint_id: string; url: string }[] }>('GET', '/webhook-endpoints', owner.apiKey)).data;
      expect(endpoint?.url).toBe(receiver.url);
      const endpointId = endpoint?.webhook_endpoint_id ?? '';
      expect(JSON.stringify(await apiCall('GET', `/webhook-endpoints/${endpointId}`, owner.apiKey))).not.toContain(firstSecret);
      await page.reload();
      await settle(page);
      await row.waitFor();
      expect(await page.content()).not.toContain(firstSecret);

      // A payment settles: the receiver gets one delivery signed with that secret.
      const paid = await settledPayment(hookAgent, 700);
      await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(1);
      const first = receiver.received[0]!;
      expect(signedWith(firstSecret, first)).toBe(true);
      expect(JSON.parse(first.body)).toMatchObject({ type: 'payment.settled', data: { payment_id: paid.payment_id } });
      type Deliveries = { data: { delivery_id: string; status: string; attempts: number }[] };
      const deliveries = () => apiCall<Deliveries>('GET', `/webhook-endpoints/${endpointId}/deliveries`, owner.apiKey);
      await expect.poll(async () => (await deliveries()).data.map((d) => `${d.status}/${d.attempts}`)).toEqual(['succeeded/1']);
      const deliveryId = (await deliveries()).data[0]?.delivery_id ?? '';

      await page.reload();
      await settle(page);
      await row.getByRole('button', { name: 'Deliveries' }).click();
      await page.getByRole('heading', { name: `Deliveries to ${receiver.url}`, level: 2 }).waitFor();
      const delivery = page.getByRole('row').filter({ hasText: deliveryId });
      await delivery.waitFor();
      expect(await delivery.textContent()).toMatch(/^payment\.settledmsg_\w+succeeded1200/);
      await delivery.getByRole('button', { name: 'Attempts' }).click();
      await page.getByText('HTTP 200').waitFor();

      // Rotate: a new secret, shown once, different from the first.
      await row.getByRole('button', { name: 'Rotate secret' }).click();
      const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
      await rotate.getByRole('button', { name: 'Rotate secret' }).click();
      const secondSecret = await takeSecret(page, 'Signing secret');
      expect(secondSecret).toMatch(/^whsec_/);
      expect(secondSecret).not.toBe(firstSecret);
      expect(await page.content()).not.toContain(secondSecret);

      // Replay: the same event is sent again now, signed with the new secret.
      await delivery.getByRole('button', { name: 'Replay' }).click();
      await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(2);
      const replayed = receiver.received[1]!;
      expect(replayed.headers['webhook-id']).toBe(first.headers['webhook-id']);
      expect(replayed.body).toBe(first.body);
      expect(signedWith(secondSecret, replayed)).toBe(true);
      expect(signedWith(firstSecret, replayed)).toBe(false);
      await expect.poll(async () => (await deliveries()).data.map((d) => `${d.status}/${d.attempts}`)).toEqual(['succeeded/2']);
      await page.reload();
      await settle(page);
      await row.getByRole('button', { name: 'Deliveries' }).click();
      await delivery.getByRole('button', { name: 'Attempts' }).click();
      await page.getByText('#2', { exact: true }).waitFor();
      await shoot(page, 'webhooks-deliveries');

      // Disable: events are no longer delivered (nothing is even queued for it).
      await row.getByRole('button', { name: 'Disable' }).click();
      await row.getByText('disabled', { exact: true }).waitFor();
      await row.getByRole('button', { name: 'Enable' }).waitFor();
      expect((await apiCall<{ enabled: boolean }>('GET', `/webhook-endpoints/${endpointId}`, owner.apiKey)).enabled).toBe(false);
      await settledPayment(hookAgent, 800);
      expect((await deliveries()).data).toHaveLength(1);

      // Enable: the next event is delivered again.
      await row.getByRole('button', { name: 'Enable' }).click();
      await row.getByText('enabled', { exact: true }).waitFor();
      expect((await apiCall<{ enabled: boolean }>('GET', `/webhook-endpoints/${endpointId}`, owner.apiKey)).enabled).toBe(true);
      const third = await settledPayment(hookAgent, 900);
      await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(3);
      expect(JSON.parse(receiver.received[2]!.body)).toMatchObject({ data: { payment_id: third.payment_id } });
      expect(signedWith(secondSecret, receiver.received[2]!)).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('members: add with a role, change the role, remove; the only owner cannot be demoted or removed', async () => {
    const owner = await signupViaApi('members');
    const { page } = await b.ctx();
    const errors = pageErrors(page);
    await logInThroughPage(page, owner.email, PASSWORD, '/dashboard/members');
    await settle(page);

    // The owner's own row offers no role change and no removal.
    const ownRow = page.getByRole('row').filter({ hasText: owner.email });
    await ownRow.getByText('you', { exact: true }).waitFor();
    expect(await ownRow.getByRole('combobox').count()).toBe(0);
    expect(await ownRow.getByRole('button').count()).toBe(0);

    // Add a viewer.
    const email = uniqueEmail('teammate');
    await page.getByRole('button', { name: 'Add member' }).click();
    const add = page.getByRole('dialog', { name: 'Add a member' });
    await add.getByLabel('E-mail').fill(email);
    await add.getByLabel('First password').fill(PASSWORD);
    await add.getByLabel('Role').selectOption('viewer');
    await add.getByRole('button', { name: 'Add member' }).click();
    await add.waitFor({ state: 'hidden' });
    const role = page.getByLabel(`Role of ${email}`);
    await expect.poll(() => role.inputValue()).toBe('viewer');
    type Members = { data: { user_id: string; email: string; role: string }[] };
    const roleOf = async (who: string) => (await apiCall<Members>('GET', '/members', owner.token)).data.find((m) => m.email === who)?.role;
    expect(await roleOf(email)).toBe('viewer');
    const teammate = await apiCall<{ token: string }>('POST', '/auth/login', null, { email, password: PASSWORD });

    // Change the role: the API has it at once.
    await role.selectOption('admin');
    await expect.poll(() => roleOf(email)).toBe('admin');
    await page.reload();
    await settle(page);
    expect(await page.getByLabel(`Role of ${email}`).inputValue()).toBe('admin');
    await shoot(page, 'members');

    // An admin cannot demote or remove the only owner: the API's answer shows, the owner stays owner.
    const { page: adminPage } = await b.ctx();
    await logInThroughPage(adminPage, email, PASSWORD, '/dashboard/members');
    await settle(adminPage);
    const ownerRole = adminPage.getByLabel(`Role of ${owner.email}`);
    await ownerRole.selectOption('member');
    await adminPage.getByText('Only an owner can grant or take away the owner role.').waitFor();
    await expect.poll(() => ownerRole.inputValue()).toBe('owner');
    await adminPage.getByRole('button', { name: `Remove ${owner.email}` }).click();
    const refuse = adminPage.getByRole('dialog', { name: `Remove ${owner.email}?` });
    await refuse.getByRole('button', { name: 'Remove member' }).click();
    await refuse.getByRole('alert').getByText('Only an owner can grant or take away the owner role.').waitFor();
    await refuse.getByRole('alert').getByText('forbidden').waitFor();
    await refuse.getByRole('button', { name: 'Cancel' }).click();
    expect(await roleOf(owner.email)).toBe('owner');
    // Nor can the owner demote themselves while they are the only one (the page offers no control for it).
    const self = (await apiCall<Members>('GET', '/members', owner.token)).data.find((m) => m.email === owner.email);
    const demoteSelf = await fetch(`${baseUrl()}/members/${self?.user_id ?? ''}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'admin' }),
    });
    expect(await demoteSelf.json()).toMatchObject({ error: { code: 'last_owner' } });

    // Remove: the row goes, the member is no longer listed and their session stops working.
    await page.getByRole('button', { name: `Remove ${email}` }).click();
    const confirm = page.getByRole('dialog', { name: `Remove ${email}?` });
    await confirm.getByRole('button', { name: 'Remove member' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByRole('row').filter({ hasText: email }).count()).toBe(0);
    expect(await roleOf(email)).toBeUndefined();
    expect((await fetch(`${baseUrl()}/members`, { headers: { authorization: `Bearer ${teammate.token}` } })).status).toBe(401);
    expect(errors).toEqual([]);
  });

  it('API keys: a new organization key is shown once and works; revoked, the page says so and the API answers 401', async () => {
    const owner = await signupViaApi('keys');
    const { page } = await b.ctx();
    await logInThroughPage(page, owner.email, PASSWORD, '/dashboard/api-keys');
    await settle(page);

    await page.getByRole('button', { name: 'New organization key' }).click();
    const key = await takeSecret(page, 'New organization key');
    expect(key).toMatch(/^fos_org_/);
    expect(await page.content()).not.toContain(key);
    const asKey = () => fetch(`${baseUrl()}/agent-accounts`, { headers: { authorization: `Bearer ${key}` } });
    expect((await asKey()).status).toBe(200);

    const prefix = key.slice(0, 'fos_org_'.length + 6);
    const row = page.getByRole('row').filter({ hasText: `${prefix}…` });
    await row.getByText('active', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Revoke ${prefix}` }).click();
    const confirm = page.getByRole('dialog', { name: `Revoke ${prefix}…?` });
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await row.getByText(/^revoked /).waitFor();
    expect(await row.getByRole('button', { name: `Revoke ${prefix}` }).count()).toBe(0);
    await shoot(page, 'api-keys-revoked');

    const refused = await asKey();
    expect(refused.status).toBe(401);
    // The org's other key (from sign-up) still works.
    expect((await fetch(`${baseUrl()}/agent-accounts`, { headers: { authorization: `Bearer ${owner.apiKey}` } })).status).toBe(200);
  });
});
