import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiCall, logInThroughPage, settle, useBrowser } from './support/browser.ts';
import { DEMO } from './support/server.ts';

/**
 * WCAG 2.1 A and AA, checked by axe-core in the real page at the three widths: contrast (text and
 * controls against what is really behind them), names and labels, landmarks, heading order, ARIA.
 * The pages are the demo user's, so tables and charts have data in them.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return found.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join(' | ')}`);
}

const WIDTHS = [375, 768, 1280] as const;

async function check(page: Page, path: string): Promise<string[]> {
  await page.goto(path);
  await settle(page);
  const problems: string[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    for (const v of await violations(page)) problems.push(`${path} @${width}px: ${v}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  return problems;
}

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  const b = useBrowser();

  it('the public pages: home, log in, sign up', async () => {
    const { page } = await b.ctx({ bypassCSP: true });
    const problems: string[] = [];
    for (const path of ['/app/', '/app/login', '/app/signup']) problems.push(...(await check(page, path)));
    expect(problems).toEqual([]);
  });

  it("the demo user's pages: marketplace, dashboard and its tabs, approvals, developer portal, admin", async () => {
    const { page } = await b.ctx({ bypassCSP: true });
    const login = await apiCall<{ token: string }>('POST', '/auth/login', null, DEMO);
    const agents = await apiCall<{ data: { agent_id: string }[] }>('GET', '/agents?limit=1', login.token);
    await logInThroughPage(page, DEMO.email, DEMO.password);
    const paths = [
      '/app/marketplace',
      `/app/marketplace/${agents.data[0]?.agent_id ?? ''}`,
      '/app/dashboard',
      ...['deployments', 'executions', 'payments', 'receipts', 'agent-accounts', 'policies', 'api-keys', 'webhooks', 'members'].map((p) => `/app/dashboard/${p}`),
      '/app/approvals',
      '/app/developer',
      '/app/developer/register',
      '/app/admin',
    ];
    const problems: string[] = [];
    for (const path of paths) problems.push(...(await check(page, path)));
    expect(problems).toEqual([]);
  });

  it('the dialogs: the mandate modal and the Try form on an agent page', async () => {
    const { page } = await b.ctx({ bypassCSP: true });
    await logInThroughPage(page, DEMO.email, DEMO.password, '/marketplace/agt_hello_world');
    await settle(page);
    const problems: string[] = [];
    for (const name of ['Deploy', 'Try']) {
      await page.getByRole('button', { name, exact: true }).click();
      await page.getByRole('dialog').waitFor();
      await settle(page);
      for (const v of await violations(page)) problems.push(`${name} dialog: ${v}`);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
    }
    expect(problems).toEqual([]);
  });
});
