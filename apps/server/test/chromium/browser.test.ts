import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.ts';
import { publicOnlyLookup } from '../../src/lib/public-network.ts';
import { BROWSER_LIMITS, closeBrowser, createBrowserCapability, defaultCapabilities, type BrowserReadResult } from '../../src/modules/executions/capabilities/index.ts';
import { CapabilityError, type RunFacts } from '../../src/modules/executions/run-host.ts';
import { useTestApp } from '../support/test-app.ts';

/** Numbers the host calls as a run's host does (1, 2, …), each call its own: no call here is an earlier attempt's. */
let seq = 0;

// ctx.browser.read drives the real Chromium (/usr/bin/chromium) against a local site. The app allows
// private networks (the site is on loopback); the SSRF refusals run on a copy of its context without.
const t = useTestApp({ env: { RUNTIME_ALLOW_PRIVATE_NETWORKS: '1' } });

type Runtime = AppContext['config']['runtime'];
const withRuntime = (app: AppContext, runtime: Partial<Runtime>): AppContext => ({ ...app, config: { ...app.config, runtime: { ...app.config.runtime, ...runtime } } });

function facts(changes: Partial<RunFacts> = {}): RunFacts {
  return {
    executionId: 'exe_test', orgId: 'org_test', deploymentId: 'dep_test', agentId: 'agt_test', allowedHosts: ['127.0.0.1'], unitPrice: 0, heldAmount: 0,
    capabilities: ['browser_automation'], config: {}, secrets: {}, ...changes,
  };
}

async function refusal(call: Promise<unknown>): Promise<CapabilityError> {
  const err = await call.then(() => null, (e: unknown) => e);
  expect(err, 'the call was not refused').toBeInstanceOf(CapabilityError);
  return err as CapabilityError;
}

let server: Server;
let port: number;
let base: string;
/** Paths the site was asked for, in order. */
const hits: string[] = [];
const hanging = new Set<ServerResponse>();
const apps: AppContext[] = [];

const html = (body: string, title = 'Local site') => `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push(url.pathname);
    const page = (body: string, title?: string) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(html(body, title));
    };
    switch (url.pathname) {
      case '/page':
        return page(`<h1>Prices</h1><p class="price">€ 42</p><a href="/next">Next page</a><a href="https://example.com/x">Elsewhere</a>
          <script>document.body.insertAdjacentHTML('beforeend', '<p id="late">rendered by JavaScript</p>')</script>`, 'Price list');
      case '/subresources':
        // One image on an allowed host, one on a host the deployment does not allow, one fetch() to it.
        return page(`<img src="/ok.png"><img src="http://localhost:${port}/pixel.png"><script>fetch('http://localhost:${port}/beacon').catch(() => {})</script><p>loaded</p>`);
      case '/redirect':
        res.writeHead(302, { location: url.searchParams.get('to') ?? '/page' });
        return res.end();
      case '/hang':
        hanging.add(res);
        return;
      case '/slow-script':
        return page('<p>waiting</p><script>setTimeout(() => document.body.insertAdjacentHTML("beforeend", "<div id=ready>ready</div>"), 200)</script>');
      default:
        res.statusCode = 404;
        return res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const app of [t.appCtx, ...apps]) await closeBrowser(app);
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const read = (f: RunFacts, ...args: unknown[]) => defaultCapabilities(t.appCtx)['browser.read']!(t.appCtx, f, args, ++seq) as Promise<BrowserReadResult>;

describe('ctx.browser.read', () => {
  it('loads the page with JavaScript on: title, visible text, the first match of each selector, links', async () => {
    const page = await read(facts(), `${base}/page`, { selectors: { heading: 'h1', price: '.price', late: '#late', missing: '.nothing' }, links: true });
    expect(page).toMatchObject({ url: `${base}/page`, status: 200, title: 'Price list', text_truncated: false, blocked: [], blocked_count: 0 });
    expect(page.text).toContain('Prices');
    expect(page.text).toContain('rendered by JavaScript');
    expect(page.fields).toEqual({ heading: 'Prices', price: '€ 42', late: 'rendered by JavaScript', missing: null });
    expect(page.links).toEqual([{ href: `${base}/next`, text: 'Next page' }, { href: 'https://example.com/x', text: 'Elsewhere' }]);
  });

  it('follows redirects on allowed hosts and answers the final URL; waits for a wait_for selector', async () => {
    expect(await read(facts(), `${base}/redirect?to=/page`)).toMatchObject({ url: `${base}/page`, title: 'Price list' });
    expect((await read(facts(), `${base}/slow-script`, { wait_for: '#ready', selectors: { ready: '#ready' } })).fields).toEqual({ ready: 'ready' });
  });

  it('refuses a page on a host the deployment does not allow, before opening anything', async () => {
    expect(await refusal(read(facts({ allowedHosts: [] }), `${base}/page`))).toMatchObject({ code: 'host_not_allowed', message: expect.stringContaining('allows no hosts') });
    expect((await refusal(read(facts({ allowedHosts: ['example.com'] }), `${base}/page`))).code).toBe('host_not_allowed');
    expect((await refusal(read(facts(), 'file:///etc/passwd'))).code).toBe('invalid_url');
  });

  it('blocks subresources and scripts\' requests to hosts that are not allowed; the page still loads', async () => {
    hits.length = 0;
    const page = await read(facts(), `${base}/subresources`);
    expect(page.text).toContain('loaded');
    expect(page.blocked).toEqual(expect.arrayContaining([
      { url: `http://localhost:${port}/pixel.png`, code: 'host_not_allowed' },
      { url: `http://localhost:${port}/beacon`, code: 'host_not_allowed' },
    ]));
    expect(hits).toContain('/ok.png');
    expect(hits).not.toContain('/pixel.png');
    expect(hits).not.toContain('/beacon');
  });

  it('checks every redirect hop: a redirect to a host that is not allowed fails the call', async () => {
    hits.length = 0;
    const away = `${base}/redirect?to=${encodeURIComponent(`http://localhost:${port}/page`)}`;
    expect((await refusal(read(facts(), away))).code).toBe('host_not_allowed');
    expect(hits).toEqual(['/redirect']);
  });

  describe('without RUNTIME_ALLOW_PRIVATE_NETWORKS', () => {
    // `site.test` stands for a public name: the test lookup sends it to the local site; every other name
    // goes through the real public-only lookup (so `localhost` is refused when connecting).
    const lookup = ((hostname: string, options: object, callback: Parameters<typeof publicOnlyLookup>[2]) => {
      if (hostname === 'site.test') {
        if ((options as { all?: boolean }).all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
        return callback(null, '127.0.0.1', 4);
      }
      publicOnlyLookup(hostname, options, callback);
    }) as unknown as LookupFunction;
    const guarded = () => {
      const app = withRuntime(t.appCtx, { allowPrivateNetworks: false });
      apps.push(app);
      return app;
    };
    const allowed = facts({ allowedHosts: ['site.test', 'localhost', '127.0.0.1', '169.254.169.254'] });

    it('refuses private literals before opening a page, and names resolving to private addresses when connecting', async () => {
      const handler = createBrowserCapability(BROWSER_LIMITS);
      const app = guarded();
      expect((await refusal(handler(app, allowed, [`${base}/page`], ++seq))).code).toBe('address_not_allowed');
      expect((await refusal(handler(app, allowed, ['http://169.254.169.254/latest/meta-data/'], ++seq))).code).toBe('address_not_allowed');
      hits.length = 0;
      expect((await refusal(handler(app, allowed, [`http://localhost:${port}/page`], ++seq))).code).toBe('address_not_allowed');
      expect(hits).toEqual([]);
    });

    it('blocks a redirect from a public page to a private address', async () => {
      const handler = createBrowserCapability(BROWSER_LIMITS, { lookup });
      const app = guarded();
      expect((await handler(app, allowed, [`http://site.test:${port}/page`], ++seq) as BrowserReadResult).title).toBe('Price list');
      hits.length = 0;
      const toPrivate = `http://site.test:${port}/redirect?to=${encodeURIComponent(`http://localhost:${port}/page`)}`;
      expect((await refusal(handler(app, allowed, [toPrivate], ++seq))).code).toBe('address_not_allowed');
      expect(hits).toEqual(['/redirect']);
    });
  });

  it('is time-boxed: a page that never answers ends as browser_timeout; so does a run with no time left', async () => {
    const started = Date.now();
    expect((await refusal(read(facts(), `${base}/hang`, { timeout_ms: 1000 }))).code).toBe('browser_timeout');
    expect(Date.now() - started).toBeLessThan(5000);
    const nearlyOver = facts({ deadlineMs: t.appCtx.clock().getTime() + 200 });
    expect(await refusal(read(nearlyOver, `${base}/page`))).toMatchObject({ code: 'browser_timeout', message: expect.stringContaining('no time left') });
  });

  it('refuses unknown options, invalid selectors and an undeclared capability', async () => {
    expect((await refusal(read(facts(), `${base}/page`, { headless: false }))).code).toBe('invalid_arguments');
    expect((await refusal(read(facts(), `${base}/page`, { timeout_ms: 10 * 60_000 }))).code).toBe('invalid_arguments');
    expect(await refusal(read(facts(), `${base}/page`, { selectors: { bad: 'h1[' } }))).toMatchObject({ code: 'invalid_arguments', message: expect.stringContaining('selectors.bad') });
    expect((await refusal(read(facts({ capabilities: ['http_request'] }), `${base}/page`))).code).toBe('capability_not_declared');
  });

  it('browser_unavailable when BROWSER_EXECUTABLE_PATH does not exist', async () => {
    const app = withRuntime(t.appCtx, { browserExecutablePath: '/nonexistent/chromium' });
    expect(await refusal(createBrowserCapability()(app, facts(), [`${base}/page`], ++seq))).toMatchObject({ code: 'browser_unavailable', message: expect.stringContaining('/nonexistent/chromium') });
  });
});
