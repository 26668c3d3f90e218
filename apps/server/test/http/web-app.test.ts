import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { signupOrg } from '../support/fixtures.ts';

const INDEX_HTML = '<!doctype html><html><head><script type="module" src="/app/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

describe('the web app at /app', () => {
  let dist: string;
  let t: TestApp;
  beforeAll(async () => {
    // A tiny stand-in for apps/web/dist: the suite never runs Vite.
    dist = await mkdtemp(join(tmpdir(), 'frameos-web-dist-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), INDEX_HTML);
    await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log("app")');
    await writeFile(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    t = await startTestApp({ env: { WEB_DIST_DIR: dist } });
  });
  afterAll(async () => {
    await t.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('redirects / to /app/', async () => {
    const res = await t.request('GET', '/');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/app/');
  });

  it.each(['/app', '/app/', '/app/marketplace', '/app/agents/x', '/app/marketplace/agt_hello_world?tab=versions'])('serves index.html at %s, never cached', async (url) => {
    const res = await t.request('GET', url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toBe(INDEX_HTML);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves a hashed asset with a long, immutable cache lifetime', async () => {
    const res = await t.request('GET', '/app/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.text).toBe('console.log("app")');
  });

  it('serves other files of the build without long caching', async () => {
    const res = await t.request('GET', '/app/favicon.svg');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing asset with a JSON 404, not index.html', async () => {
    const res = await t.request('GET', '/app/assets/index-old.js');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });

  it('does not serve files outside the build', async () => {
    const res = await t.request('GET', '/app/..%2f..%2fetc%2fpasswd');
    expect(res.text).not.toContain('root:');
    expect([200, 400, 403, 404]).toContain(res.status);
  });

  it('sends a CSP that allows only its own scripts', async () => {
    const res = await t.request('GET', '/app/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('keeps API 404s JSON', async () => {
    const org = await signupOrg(t);
    const res = await t.request('GET', '/agents/agt_unknown', { token: org.orgKey });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe('not_found');
    const malformed = await t.request('GET', '/agents/unknown', { token: org.orgKey });
    expect(malformed.headers['content-type']).toMatch(/^application\/json/);
    expect(malformed.body.error.code).toBe('validation_error');
    const route = await t.request('GET', '/no-such-route');
    expect(route.status).toBe(404);
    expect(route.body.error.code).toBe('route_not_found');
  });
});

describe('the web app when it is not built', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { WEB_DIST_DIR: join(tmpdir(), 'frameos-no-such-dist') } });
  });
  afterAll(async () => t.close());

  it('still starts, and /app explains how to build it', async () => {
    const res = await t.request('GET', '/app/marketplace');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('npm run build:web');
    expect((await t.request('GET', '/')).headers.location).toBe('/app/');
    expect((await t.request('GET', '/healthz')).status).toBe(200);
  });
});
