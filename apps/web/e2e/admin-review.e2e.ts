import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiCall, logInThroughPage, settle, shoot, signupViaApi, useBrowser } from './support/browser.ts';
import { DEMO } from './support/server.ts';

const CODE = "export default async function handler(i){ return { greeting: 'Hi ' + i.name }; }\n";

function manifest(developerId: string, id: string, name: string) {
  return {
    id, name, version: '1.0.0', description: 'Greets someone by name.',
    author: { developer_id: developerId, name: 'Review Dev', email: 'review-dev@example.com' },
    pricing: { model: 'per_execution', amount: 100, currency: 'USD' },
    inputs: [{ name: 'name', type: 'string', required: true, description: 'Who to greet' }],
    outputs: [{ name: 'greeting', type: 'string' }],
    capabilities: [],
    runtime: { language: 'nodejs', version: '20', entrypoint: 'index.js', timeout_ms: 5000, memory_mb: 64 },
    metadata: { category: 'productivity', tags: ['review'] },
  };
}

/** The admin page's card of an agent (its h2 is the agent's name). */
function card(page: Page, name: string) {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, level: 2 }) });
}

async function catalogueHas(token: string, name: string): Promise<boolean> {
  const list = await apiCall<{ data: { name: string }[] }>('GET', `/agents?q=${encodeURIComponent(name)}&limit=100`, token);
  return list.data.some((a) => a.name === name);
}

describe('admin review in the browser', () => {
  const b = useBrowser();

  it('rejects with a reason the developer then reads; suspends an agent out of the marketplace and unsuspends it back', async () => {
    const suffix = randomUUID().replaceAll('-', '').slice(0, 8);
    const dev = await signupViaApi('review-dev');
    const profile = await apiCall<{ developer_id: string }>('POST', '/developers', dev.apiKey, { name: 'Review Dev', email: 'review-dev@example.com' });
    const refused = { id: `agt_refused_${suffix}`, name: `Refused ${suffix}` };
    const listed = { id: `agt_listed_${suffix}`, name: `Listed ${suffix}` };
    const kept = { id: `agt_kept_${suffix}`, name: `Kept ${suffix}` };
    for (const agent of [refused, listed, kept]) {
      await apiCall('POST', '/agents/register', dev.apiKey, { manifest: manifest(profile.developer_id, agent.id, agent.name), code: CODE });
    }
    const admin = await apiCall<{ token: string }>('POST', '/auth/login', null, DEMO);
    // `kept` is approved right after `listed`, so the agent this test suspends is not the newest in the
    // marketplace (other files open the first agent of the default "latest" list while this one runs).
    await apiCall('POST', `/admin/agents/${listed.id}/approve`, admin.token, {});
    await apiCall('POST', `/admin/agents/${kept.id}/approve`, admin.token, {});
    expect(await catalogueHas(dev.apiKey, listed.name)).toBe(true);

    // Reject: the reason is required, then the version leaves the queue.
    const { page } = await b.ctx();
    await logInThroughPage(page, DEMO.email, DEMO.password, '/admin');
    await settle(page);
    await card(page, refused.name).getByRole('button', { name: 'Reject v1.0.0' }).click();
    const reject = page.getByRole('dialog', { name: `Reject ${refused.name} v1.0.0?` });
    expect(await reject.getByRole('button', { name: 'Reject', exact: true }).isDisabled()).toBe(true);
    await reject.getByLabel(/^Reason/).fill('The description promises more than the code does.');
    await reject.getByRole('button', { name: 'Reject', exact: true }).click();
    await reject.waitFor({ state: 'hidden' });
    await card(page, refused.name).waitFor({ state: 'detached' });
    const decided = await apiCall<{ versions: { version: string; status: string; review_reason: string | null }[] }>('GET', `/agents/${refused.id}`, dev.apiKey);
    expect(decided.versions).toEqual([expect.objectContaining({ version: '1.0.0', status: 'rejected', review_reason: 'The description promises more than the code does.' })]);

    // The developer reads the reason on their page.
    const devPage = (await b.ctx()).page;
    await logInThroughPage(devPage, dev.email, dev.password, '/developer');
    const mine = devPage.getByRole('listitem').filter({ hasText: refused.id });
    await mine.getByText('The description promises more than the code does.').waitFor();
    await mine.getByText('rejected').first().waitFor();
    await shoot(devPage, 'developer-rejected');

    // Suspend the listed agent: out of the catalogue and the marketplace page.
    await page.goto('/app/admin?status=approved');
    await settle(page);
    await card(page, listed.name).getByRole('button', { name: 'Suspend' }).click();
    const suspend = page.getByRole('dialog', { name: `Suspend ${listed.name}?` });
    await suspend.getByLabel(/^Reason/).fill('A customer reported wrong greetings.');
    await suspend.getByRole('button', { name: 'Suspend', exact: true }).click();
    await suspend.waitFor({ state: 'hidden' });
    expect(await catalogueHas(dev.apiKey, listed.name)).toBe(false);
    expect(await catalogueHas(dev.apiKey, kept.name)).toBe(true);
    await devPage.goto(`/app/marketplace?q=${encodeURIComponent(listed.name)}`);
    await devPage.getByText('No agents match').waitFor();
    expect(await devPage.getByRole('link', { name: listed.name, exact: true }).count()).toBe(0);

    // Unsuspend from the suspended list: listed again.
    await page.goto('/app/admin?status=suspended');
    await settle(page);
    const suspendedCard = card(page, listed.name);
    await suspendedCard.getByText('Suspended: A customer reported wrong greetings.').waitFor();
    await shoot(page, 'admin-suspended');
    await suspendedCard.getByRole('button', { name: 'Unsuspend' }).click();
    const unsuspend = page.getByRole('dialog', { name: `Unsuspend ${listed.name}?` });
    await unsuspend.getByRole('button', { name: 'Unsuspend', exact: true }).click();
    await unsuspend.waitFor({ state: 'hidden' });
    expect(await catalogueHas(dev.apiKey, listed.name)).toBe(true);
    await devPage.goto(`/app/marketplace?q=${encodeURIComponent(listed.name)}`);
    await devPage.getByRole('link', { name: listed.name, exact: true }).waitFor();
  });
});
