import { describe, expect, it } from 'vitest';
import { DEMO } from './support/server.ts';
import { logInThroughPage, settle, shoot, useBrowser } from './support/browser.ts';

describe('the demo login (seeded at start)', () => {
  const b = useBrowser();

  it('sees the demo org dashboard with its accounts, payments and executions, and the Admin entry', async () => {
    const { page } = await b.ctx();
    await logInThroughPage(page, DEMO.email, DEMO.password);
    await page.waitForURL('**/app/dashboard');
    await settle(page);
    for (const section of ['Agent accounts', 'Recent payments', 'Recent executions']) {
      await page.getByRole('heading', { name: section, level: 2 }).waitFor();
    }
    expect(await page.getByRole('table').count()).toBeGreaterThan(0);
    // The demo user is a platform admin outside production: the navigation offers Admin.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect.poll(() => nav.getByRole('link', { name: 'Admin' }).count()).toBe(1);
    await shoot(page, 'dashboard');

    await nav.getByRole('link', { name: /^Approvals/ }).click();
    await page.waitForURL('**/app/approvals');
    await settle(page);
    await shoot(page, 'approvals');
    await nav.getByRole('link', { name: 'Developer' }).click();
    await page.waitForURL('**/app/developer');
    await settle(page);
    await shoot(page, 'developer');
    await nav.getByRole('link', { name: 'Admin' }).click();
    await page.waitForURL('**/app/admin');
    await settle(page);
    await shoot(page, 'admin');
  });
});
