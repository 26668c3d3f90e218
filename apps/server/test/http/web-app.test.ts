import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { signupOrg } from '../support/fixtures.ts';
import { acceptedEncoding, FIRST_LOAD_PAGES } from '../../src/http/web-app.ts';

const INDEX_HTML =
  '<!doctype html><html><head><script type="module" src="/app/assets/index-abc123.js"></script><link rel="modulepreload" href="/app/assets/jsx-runtime-j1.js"></head><body><div id="root"></div></body></html>';
/** The part of Vite's manifest the server reads: each page module's chunk and the chunks it imports. */
const MANIFEST = {
  'index.html': { file: 'assets/index-abc123.js', isEntry: true, imports: ['_jsx-runtime-j1.js'] },
  '_jsx-runtime-j1.js': { file: 'assets/jsx-runtime-j1.js' },
  '_card-c1.js': { file: 'assets/card-c1.js', imports: ['_jsx-runtime-j1.js'] },
  '_agents-a1.js': { file: 'assets/agents-a1.js', imports: ['index.html', '_card-c1.js'] },
  'src/pages/home.tsx': { file: 'assets/home-h1.js', isDynamicEntry: true, imports: ['index.html', '_agents-a1.js', '_card-c1.js', '_jsx-runtime-j1.js'] },
  'src/pages/dashboard/shell.tsx': { file: 'assets/shell-s1.js', isDynamicEntry: true, imports: ['index.html'] },
  'src/pages/dashboard.tsx': { file: 'assets/dashboard-d1.js', isDynamicEntry: true, imports: ['_card-c1.js'] },
};
const preloads = (html: string) => [...html.matchAll(/<link rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]);

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
    await mkdir(join(dist, '.vite'));
    await writeFile(join(dist, '.vite', 'manifest.json'), JSON.stringify(MANIFEST));
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

  it.each(['/app/agents/x', '/app/dashboard/payments', '/app/marketplace', '/app/marketplace/agt_hello_world?tab=versions'])('serves index.html at %s, never cached', async (url) => {
    // (agent-list and agent-detail are first-load pages, but this manifest has no chunk for them)
    const res = await t.request('GET', url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toBe(INDEX_HTML);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it.each(['/app', '/app/', '/app/?q=x'])("modulepreloads the home page's chunks from index.html at %s", async (url) => {
    const res = await t.request('GET', url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    // The page chunk and what it imports, once each; not the entry nor what index.html already loads.
    expect(preloads(res.text)).toEqual(['/app/assets/jsx-runtime-j1.js', '/app/assets/home-h1.js', '/app/assets/agents-a1.js', '/app/assets/card-c1.js']);
    expect(res.text.replace(/\s*<link rel="modulepreload" crossorigin fetchpriority="low"[^>]*>/g, '').replace(/\s*<\/head>/, '</head>')).toBe(INDEX_HTML);
  });

  it("modulepreloads both the dashboard's shell and overview at /app/dashboard, and answers a revalidation with 304", async () => {
    const res = await t.request('GET', '/app/dashboard/');
    expect(preloads(res.text)).toEqual(['/app/assets/jsx-runtime-j1.js', '/app/assets/shell-s1.js', '/app/assets/dashboard-d1.js', '/app/assets/card-c1.js']);
    const etag = String(res.headers.etag);
    expect(etag).toMatch(/^".+"$/);
    const again = await t.request('GET', '/app/dashboard', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('sends that index.html compressed when the browser accepts it, each encoding with its own ETag', async () => {
    const plain = await t.request('GET', '/app/');
    const raw = async (acceptEncoding: string) => t.app.inject({ method: 'GET', url: '/app/', headers: { 'accept-encoding': acceptEncoding } });
    const br = await raw('gzip, deflate, br, zstd');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.text);
    const gz = await raw('br;q=0, gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.text);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(new Set([plain.headers.etag, br.headers.etag, gz.headers.etag]).size).toBe(3);
    expect(acceptedEncoding('identity')).toBe('identity');
    expect(acceptedEncoding('GZIP;q=0.5')).toBe('gzip');
  });

  it('does not serve the build manifest', async () => {
    const res = await t.request('GET', '/app/.vite/manifest.json');
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).not.toContain('isDynamicEntry');
  });

  it("names first-load page modules that src/routes.tsx lazy-loads (Vite's manifest keys)", async () => {
    const routes = await readFile(new URL('../../../web/src/routes.tsx', import.meta.url), 'utf8');
    for (const { modules } of FIRST_LOAD_PAGES) {
      for (const module of modules) expect(routes).toContain(`import('@/${module.replace(/^src\//, '').replace(/\.tsx$/, '')}')`);
    }
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
