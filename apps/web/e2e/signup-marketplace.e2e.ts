import { describe, expect, it } from 'vitest';
import { PASSWORD, settle, shoot, uniqueEmail, useBrowser } from './support/browser.ts';

describe('a new user signs up and finds an agent', () => {
  const b = useBrowser();

  it('sign up → the org key once → the dashboard → search the marketplace → an agent detail', async () => {
    const { page } = await b.ctx();
    const email = uniqueEmail('owner');

    // Sign up through the page: the organization's key is shown once, then Continue logs in.
    await page.goto('/app/signup');
    await page.getByLabel('Organization name').fill('E2E Org');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText('Your organization is ready').waitFor();
    expect(await page.getByRole('main').textContent()).toMatch(/shown once[\s\S]*[A-Za-z0-9_]{24,}/);
    await shoot(page, 'signup-key-shown');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/app/dashboard');

    // The new org's dashboard: its empty states, the signed-in user and role.
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await settle(page);
    await page.getByText(`Signed in as ${email} (owner)`).waitFor();
    await page.getByText('No agent accounts yet').waitFor();
    await shoot(page, 'dashboard-new-org');

    // The marketplace: the list, then a search in the address (a shared link keeps it).
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Marketplace' }).click();
    await page.waitForURL((u) => u.pathname === '/app' || u.pathname === '/app/');
    await settle(page);
    await page.goto('/app/marketplace');
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    await settle(page);
    const agentNames = page.getByRole('main').getByRole('heading', { level: 3 });
    expect(await agentNames.count()).toBeGreaterThan(0);
    const firstName = (await agentNames.first().textContent())?.trim() ?? '';
    expect(firstName).not.toBe('');
    await shoot(page, 'agent-list');

    await page.getByLabel('Search').fill(firstName);
    await page.getByLabel('Search').press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(firstName);
    await settle(page);
    await page.getByRole('link', { name: firstName, exact: true }).click();
    await page.waitForURL('**/app/marketplace/*');
    await settle(page);
    await page.getByRole('heading', { name: firstName, level: 1 }).waitFor();
    for (const section of ['Inputs', 'Outputs', 'Versions', 'Pricing and stats', 'Developer']) {
      await page.getByRole('heading', { name: section, level: 2 }).waitFor();
    }
    await shoot(page, 'agent-detail');

    // A refresh on a deep link loads the page again, never API JSON.
    await page.reload();
    await settle(page);
    await page.getByRole('heading', { name: firstName, level: 1 }).waitFor();
  });
});
