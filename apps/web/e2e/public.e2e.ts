import { describe, expect, it } from 'vitest';
import { shoot, useBrowser } from './support/browser.ts';

describe('before logging in', () => {
  const b = useBrowser();

  it('/ redirects to the marketplace home, which says what FrameOS is', async () => {
    const { page } = await b.ctx();
    await page.goto('/');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/app/');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).count()).toBe(1);
    await page.getByRole('banner').getByRole('link', { name: 'FrameOS' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Marketplace' }).getAttribute('aria-current')).toBe('page');
    await page.getByRole('link', { name: 'Sign up' }).first().waitFor();
    await shoot(page, 'home');
  });

  it('the log-in and sign-up pages have labelled fields', async () => {
    const { page } = await b.ctx();
    await page.goto('/app/login');
    await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
    expect(await page.getByLabel('Email').getAttribute('type')).toBe('email');
    expect(await page.getByLabel('Password').getAttribute('type')).toBe('password');
    await shoot(page, 'login');
    await page.getByRole('main').getByRole('link', { name: 'Sign up' }).click();
    await page.waitForURL('**/app/signup');
    await page.getByRole('heading', { name: 'Create your account', level: 1 }).waitFor();
    await page.getByLabel('Organization name').waitFor();
    await shoot(page, 'signup');
  });

  it('a wrong password shows the API error', async () => {
    const { page } = await b.ctx();
    await page.goto('/app/login');
    await page.getByLabel('Email').fill('demo@frameos.dev');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not log in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/login');
  });

  it('a page that needs a session sends the visitor to log in with ?next=', async () => {
    const { page } = await b.ctx();
    await page.goto('/app/dashboard');
    await page.waitForURL('**/app/login?*');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/dashboard');
  });

  it('an unknown app path draws the not-found page (never API JSON)', async () => {
    const { page } = await b.ctx();
    const res = await page.goto('/app/no-such-page');
    expect(res?.headers()['content-type']).toContain('text/html');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toMatch(/not found|no such page/i);
    await shoot(page, 'not-found');
  });
});
