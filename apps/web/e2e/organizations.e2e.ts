import { describe, expect, it } from 'vitest';
import { apiCall, logInThroughPage, settle, shoot, signupViaApi, useBrowser } from './support/browser.ts';

describe('a person in two organizations', () => {
  const b = useBrowser();

  it('switches organization from the header: the dashboard then shows the other organization, with the role held there', async () => {
    const alice = await signupViaApi('orgs-alice');
    const bob = await signupViaApi('orgs-bob');
    await apiCall('POST', '/agent-accounts', alice.apiKey, { name: 'Alice wallet', risk_tier: 'LOW' });
    await apiCall('POST', '/agent-accounts', bob.apiKey, { name: 'Bob wallet', risk_tier: 'LOW' });
    // Bob's owner adds Alice's existing account (no password) as a viewer.
    await apiCall('POST', '/members', bob.token, { email: alice.email, role: 'viewer' });

    const { page } = await b.ctx();
    await logInThroughPage(page, alice.email, alice.password);
    await page.goto('/app/dashboard/agent-accounts');
    await settle(page);
    await page.getByRole('row').filter({ hasText: 'Alice wallet' }).waitFor();
    expect(await page.getByRole('button', { name: 'New agent account' }).count()).toBe(1);

    const switcher = page.getByRole('banner').getByLabel('Organization');
    expect(await switcher.locator('option').allTextContents()).toEqual(['orgs-alice org (owner)', 'orgs-bob org (viewer)']);
    await switcher.selectOption({ label: 'orgs-bob org (viewer)' });
    await page.waitForURL('**/app/dashboard');
    await page.getByText(`Signed in as ${alice.email} (viewer)`).waitFor();

    await page.goto('/app/dashboard/agent-accounts');
    await settle(page);
    await page.getByRole('row').filter({ hasText: 'Bob wallet' }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'Alice wallet' }).count()).toBe(0);
    // A viewer there: no write action.
    expect(await page.getByRole('button', { name: 'New agent account' }).count()).toBe(0);
    await shoot(page, 'org-switched');

    // A reload keeps the organization (the session of this tab).
    await page.reload();
    await settle(page);
    await page.getByRole('row').filter({ hasText: 'Bob wallet' }).waitFor();

    // At 768 px the header keeps a menu; the switcher is in it.
    await page.setViewportSize({ width: 768, height: 900 });
    await page.getByRole('button', { name: 'Open menu' }).click();
    await page.locator('#mobile-menu').getByLabel('Organization').waitFor();
  });
});
