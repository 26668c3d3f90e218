import { describe, expect, it } from 'vitest';
import { apiCall, logInThroughPage, settle, shoot, signupViaApi, uniqueEmail, useBrowser, PASSWORD } from './support/browser.ts';

/** The names of the write actions the app has: none may show for a viewer. */
const WRITE_ACTIONS = /^(deploy|try|run|create|new|add|top up|save|edit|approve|reject|pause|resume|delete|remove|refund|rotate|revoke|replay|register|suspend|become a developer)\b/i;

describe('a viewer', () => {
  const b = useBrowser();

  it('sees the pages and no write buttons', async () => {
    const owner = await signupViaApi('viewer-owner');
    const viewerEmail = uniqueEmail('viewer');
    await apiCall('POST', '/members', owner.token, { email: viewerEmail, password: PASSWORD, role: 'viewer' });

    const { page } = await b.ctx();
    await logInThroughPage(page, viewerEmail, PASSWORD);
    await settle(page);
    await page.getByText(`Signed in as ${viewerEmail} (viewer)`).waitFor();

    const agents = await apiCall<{ data: { agent_id: string }[] }>('GET', '/agents?limit=1', owner.token);
    const pages = ['/app/dashboard', '/app/marketplace', `/app/marketplace/${agents.data[0]?.agent_id ?? ''}`, '/app/approvals', '/app/developer'];
    for (const path of pages) {
      await page.goto(path);
      await settle(page);
      const buttons = await page.getByRole('main').getByRole('button').allTextContents();
      expect(buttons.filter((name) => WRITE_ACTIONS.test(name.trim())), `${path}: ${buttons.join(', ')}`).toEqual([]);
    }
    await page.goto('/app/dashboard');
    await shoot(page, 'dashboard-viewer');
  });
});
