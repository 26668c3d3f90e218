/**
 * Helpers for the E2E files: a browser context per flow on the one browser of the run, the API for
 * set-up the flow is not about, log-in through the page, and screenshots at the three widths.
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './server.ts';

export const WIDTHS = [375, 768, 1280] as const;
const SHOTS = `${ROOT}test-results/screenshots`;

export function baseUrl(): string {
  return inject('e2eBaseUrl');
}

/** Connects this file to the run's browser; `ctx()` opens a context (fresh sessionStorage) per flow. */
/** `bypassCSP`: only for injecting a test tool (axe) into pages whose CSP refuses inline scripts. */
export function useBrowser(): { ctx: (options?: { bypassCSP?: boolean }) => Promise<{ context: BrowserContext; page: Page }> } {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await chromium.connect(inject('e2eBrowserWs'));
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
  });
  return {
    ctx: async (options = {}) => {
      if (!browser) throw new Error('browser not connected');
      const context = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce', bypassCSP: options.bypassCSP ?? false });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      return { context, page };
    },
  };
}

/**
 * Full-page screenshots at 375, 768 and 1280 px into test-results/screenshots/<name>-<width>.png, then
 * back to 1280. Waits for the page's loading skeletons to go first.
 */
export async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await settle(page);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** No "Loading…" status left on the page (skeletons and the lazy page's fallback). */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await expect.poll(() => page.getByRole('status').filter({ hasText: /^Loading/ }).count(), { timeout: 15_000 }).toBe(0);
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@e2e.frameos.dev`;
}

export const PASSWORD = 'e2e-password-long-enough';

/** Calls the API directly (set-up a flow is not about), with a session token or an API key. */
export async function apiCall<T = Record<string, unknown>>(method: string, path: string, auth: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = `Bearer ${auth}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers['idempotency-key'] = randomUUID();
  const res = await fetch(`${baseUrl()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export async function signupViaApi(prefix: string): Promise<{ email: string; password: string; token: string; apiKey: string }> {
  const email = uniqueEmail(prefix);
  const created = await apiCall<{ api_key: string }>('POST', '/auth/signup', null, { email, password: PASSWORD, org_name: `${prefix} org` });
  const login = await apiCall<{ token: string }>('POST', '/auth/login', null, { email, password: PASSWORD });
  return { email, password: PASSWORD, token: login.token, apiKey: created.api_key };
}

/** Logs in through the login page (the `next` page, or the dashboard). */
export async function logInThroughPage(page: Page, email: string, password: string, next?: string): Promise<void> {
  await page.goto(`/app/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/app/login'));
}
