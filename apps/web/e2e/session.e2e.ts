import { describe, expect, it } from 'vitest';
import { PASSWORD, logInThroughPage, settle, signupViaApi, useBrowser } from './support/browser.ts';

describe('sessions and the keyboard', () => {
  const b = useBrowser();

  it('an expired session returns to the login page with ?next= and logging in comes back', async () => {
    const { page } = await b.ctx();
    const owner = await signupViaApi('expiry');
    await logInThroughPage(page, owner.email, PASSWORD, '/marketplace?q=summ');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/app/marketplace?q=summ');
    await settle(page);

    // The server no longer accepts the token (as after expiry or revocation): the next API call is a 401.
    await page.evaluate(() => {
      const stored = JSON.parse(sessionStorage.getItem('frameos.session') ?? '{}') as Record<string, unknown>;
      sessionStorage.setItem('frameos.session', JSON.stringify({ ...stored, token: 'expired-token' }));
    });
    await page.reload();
    await page.waitForURL('**/app/login?*');
    const url = new URL(page.url());
    expect(url.searchParams.get('next')).toBe('/marketplace?q=summ');
    await page.getByText('Your session ended').waitFor();

    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/app/marketplace?q=summ');
    expect(await page.getByLabel('Search').inputValue()).toBe('summ');

    // A session past its expiry time in the tab is gone too, before any request.
    await page.evaluate(() => {
      const stored = JSON.parse(sessionStorage.getItem('frameos.session') ?? '{}') as Record<string, unknown>;
      sessionStorage.setItem('frameos.session', JSON.stringify({ ...stored, expiresAt: Date.now() - 1000 }));
    });
    await page.goto('/app/dashboard');
    await page.waitForURL('**/app/login?*');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/dashboard');
  });

  it('log out ends the session: the dashboard asks to log in again', async () => {
    const { page } = await b.ctx();
    const owner = await signupViaApi('logout');
    await logInThroughPage(page, owner.email, PASSWORD);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((u) => u.pathname === '/app/login');
    await page.goto('/app/dashboard');
    await page.waitForURL('**/app/login?next=%2Fdashboard');
  });

  it('the keyboard: the skip link is the first stop and moves focus to the content', async () => {
    const { page } = await b.ctx();
    await page.goto('/app/login');
    await settle(page);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    await skip.waitFor();
    await page.keyboard.press('Enter');
    expect(await page.getByRole('main').evaluate((el) => el === document.activeElement || el.contains(document.activeElement))).toBe(true);
    // Tab reaches the form fields in order, each with a visible focus style.
    await page.getByLabel('Email').focus();
    await page.keyboard.press('Tab');
    expect(await page.getByLabel('Password').evaluate((el) => el === document.activeElement)).toBe(true);
    const ring = await page.getByLabel('Password').evaluate((el) => getComputedStyle(el).boxShadow + getComputedStyle(el).outlineStyle);
    expect(ring).not.toBe('nonenone');
  });

  it('the keyboard: the phone menu opens and closes from its button', async () => {
    const { page } = await b.ctx();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto('/app/');
    await settle(page);
    const open = page.getByRole('button', { name: 'Open menu' });
    await open.focus();
    await page.keyboard.press('Enter');
    const close = page.getByRole('button', { name: 'Close menu' });
    expect(await close.getAttribute('aria-expanded')).toBe('true');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Marketplace' }).waitFor();
    await page.keyboard.press('Enter');
    expect(await page.getByRole('button', { name: 'Open menu' }).getAttribute('aria-expanded')).toBe('false');
  });
});
