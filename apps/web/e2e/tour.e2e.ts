import { describe, expect, it } from 'vitest';
import { DEMO } from './support/server.ts';
import { logInThroughPage, settle, shoot, useBrowser } from './support/browser.ts';

/** Every dashboard page as the demo user: it draws one h1 and no error, and is photographed at the three widths. */
const PAGES = ['payments', 'receipts', 'agent-accounts', 'policies', 'api-keys', 'webhooks', 'members', 'deployments', 'executions'];

describe('a tour of the dashboard pages (demo data)', () => {
  const b = useBrowser();

  it('each page loads with its heading and no error state', async () => {
    const { page } = await b.ctx();
    await logInThroughPage(page, DEMO.email, DEMO.password);
    for (const name of PAGES) {
      await page.goto(`/app/dashboard/${name}`);
      await settle(page);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).count(), { message: name }).toBe(1);
      expect(await page.getByText('Something went wrong').count(), name).toBe(0);
      await shoot(page, `dashboard-${name}`);
    }
  });
});
