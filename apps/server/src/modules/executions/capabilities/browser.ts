import { existsSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { chromium, errors as playwrightErrors, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { z } from 'zod';
import type { AppContext } from '../../../context.ts';
import { CapabilityError, type CapabilityHandler, type RunFacts } from '../run-host.ts';
import { startGuardProxy, type BlockedRequest, type GuardProxy } from './browser-proxy.ts';
import { checkRequestUrl } from './fetch.ts';
import { KiB, MiB, parseArgs, requireCapability } from './support.ts';

/** `ctx.browser.read` (capability `browser_automation`): docs/agents.md, "Capabilities". */
export interface BrowserLimits {
  /** The time box of a call when the agent sets none, and the most it may set. */
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
  /** Kept free before the run's own deadline, so a page never outlives its run. */
  deadlineMarginMs: number;
  /** Pages open at once in this process; a call waits for a free one within its time box. */
  maxPages: number;
  /** Requests the page may make (the route filter), and connections through its proxy. */
  maxRequests: number;
  /** Bytes the page may move through its proxy, both directions. */
  maxTransferBytes: number;
  maxTextBytes: number;
  maxFieldBytes: number;
  maxLinks: number;
}

export const BROWSER_LIMITS: BrowserLimits = {
  defaultTimeoutMs: 15_000,
  maxTimeoutMs: 60_000,
  deadlineMarginMs: 500,
  maxPages: 2,
  maxRequests: 200,
  maxTransferBytes: 20 * MiB,
  maxTextBytes: 64 * KiB,
  maxFieldBytes: 4 * KiB,
  maxLinks: 100,
};

const API = 'ctx.browser.read';
const MAX_FIELDS = 50;
const MAX_BLOCKED_SHOWN = 20;
const LAUNCH_ARGS = ['--no-sandbox', '--disable-background-networking', '--force-webrtc-ip-handling-policy=disable_non_proxied_udp', '--disable-dev-shm-usage'];
const Selector = z.string().min(1).max(500);

const argsSchema = (limits: BrowserLimits) => z.tuple([
  z.string().min(1).max(8192),
  z.strictObject({
    selectors: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a field name is 1–64 letters, digits or _ (not starting with a digit)'), Selector)
      .refine((s) => Object.keys(s).length <= MAX_FIELDS, `at most ${MAX_FIELDS} selectors`)
      .optional(),
    wait_for: Selector.optional(),
    links: z.boolean().optional(),
    timeout_ms: z.number().int().min(100).max(limits.maxTimeoutMs).optional(),
  }, { error: (issue) => (issue.code === 'unrecognized_keys' ? 'only selectors, wait_for, links and timeout_ms can be set' : undefined) }).nullish(),
]).rest(z.unknown());

export interface BrowserReadResult {
  url: string;
  status: number;
  title: string;
  text: string;
  text_truncated: boolean;
  fields: Record<string, string | null>;
  links?: { href: string; text: string }[];
  blocked: BlockedRequest[];
  blocked_count: number;
}

/** One Chromium per app, that is per worker process, launched on first use; keyed by the app so test apps never share one. */
const browsers = new WeakMap<AppContext, Promise<Browser>>();
const pageSlots = new WeakMap<AppContext, Slots>();

function browserOf(app: AppContext): Promise<Browser> {
  const existing = browsers.get(app);
  if (existing) return existing;
  const path = app.config.runtime.browserExecutablePath;
  const launching = (async () => {
    if (!existsSync(path)) {
      app.log.error({ browserExecutablePath: path }, 'ctx.browser: BROWSER_EXECUTABLE_PATH does not exist');
      throw new CapabilityError('browser_unavailable', `${API}: this server has no browser: BROWSER_EXECUTABLE_PATH (${path}) does not exist.`);
    }
    try {
      const browser = await chromium.launch({ executablePath: path, args: LAUNCH_ARGS, timeout: 30_000, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
      browser.on('disconnected', () => {
        if (browsers.get(app) === launching) browsers.delete(app);
      });
      return browser;
    } catch (err) {
      app.log.error({ err: err instanceof Error ? err.message.split('\n')[0] : String(err), browserExecutablePath: path }, 'ctx.browser: the browser could not be started');
      throw new CapabilityError('browser_unavailable', `${API}: the browser could not be started on this server.`);
    }
  })();
  browsers.set(app, launching);
  launching.catch(() => {
    if (browsers.get(app) === launching) browsers.delete(app);
  });
  return launching;
}

/** Closes the app's browser, if one was launched (the worker's stop; tests). */
export async function closeBrowser(app: AppContext): Promise<void> {
  const launched = browsers.get(app);
  browsers.delete(app);
  if (launched) await launched.then((b) => b.close(), () => undefined);
}

/** A counting semaphore: pages open at once in this process. */
class Slots {
  private used = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(private readonly size: number) {}

  /** Resolves with a release function, or rejects once `deadline` passes without a free slot. */
  acquire(deadline: number): Promise<() => void> {
    const release = () => {
      const next = this.waiters.shift();
      if (next) next();
      else this.used--;
    };
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(timeoutError('no browser page became free'));
      }, Math.max(0, deadline - Date.now()));
      this.waiters.push(grant);
    });
  }
}

const timeoutError = (what: string) => new CapabilityError('browser_timeout', `${API}: ${what} within the time box.`);

/** UTF-8 text cut to at most `max` bytes (never inside a character). */
function capText(text: string, max: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return { text, truncated: false };
  return { text: new TextDecoder().decode(bytes.subarray(0, max)).replace(/\uFFFD$/, ''), truncated: true };
}

/** What tests replace: the name lookup of the page's upstream connections (default: the public-only lookup, unless private networks are allowed). */
export interface BrowserNetwork {
  lookup?: LookupFunction;
}

/** The `browser.read` handler with the given limits (tests shorten the time box); `browserCapability` has the defaults. */
export function createBrowserCapability(limits: BrowserLimits = BROWSER_LIMITS, network: BrowserNetwork = {}): CapabilityHandler {
  const schema = argsSchema(limits);
  return async (app, facts, args) => {
    requireCapability(facts, API, 'browser_automation');
    const [rawUrl, options] = parseArgs(schema, args, API);
    const target = checkRequestUrl(app, facts, rawUrl, API);
    const left = facts.deadlineMs === undefined ? Infinity : facts.deadlineMs - app.clock().getTime() - limits.deadlineMarginMs;
    const budget = Math.min(options?.timeout_ms ?? limits.defaultTimeoutMs, limits.maxTimeoutMs, left);
    if (budget < 100) throw timeoutError('the run has no time left to open a page');
    const deadline = Date.now() + budget;

    let slots = pageSlots.get(app);
    if (!slots) pageSlots.set(app, (slots = new Slots(limits.maxPages)));
    const release = await slots.acquire(deadline);
    let proxy: GuardProxy | undefined;
    let context: BrowserContext | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeoutError(`the page did not load in ${budget} ms`)), Math.max(0, deadline - Date.now()));
      });
      const work = (async () => {
        const browser = await browserOf(app);
        proxy = await startGuardProxy({
          check: (url) => void checkRequestUrl(app, facts, url, API),
          allowPrivateNetworks: app.config.runtime.allowPrivateNetworks,
          ...(network.lookup ? { lookup: network.lookup } : {}),
          maxConnections: limits.maxRequests,
          maxBytes: limits.maxTransferBytes,
        });
        // `<-loopback>` removes Chromium's implicit proxy bypass of localhost: loopback goes through the proxy too.
        context = await browser.newContext({ proxy: { server: proxy.url, bypass: '<-loopback>' }, serviceWorkers: 'block', acceptDownloads: false, javaScriptEnabled: true });
        return readPage(app, facts, await context.newPage(), proxy, target, options ?? {}, limits, deadline);
      })();
      work.catch(() => undefined); // a time-out answers first; closing the context below ends the work
      return await Promise.race([work, timedOut]);
    } catch (err) {
      throw translate(app, err, proxy?.blocked ?? []);
    } finally {
      clearTimeout(timer);
      await (context as BrowserContext | undefined)?.close().catch(() => undefined);
      await (proxy as GuardProxy | undefined)?.close();
      release();
    }
  };
}

export const browserCapability: CapabilityHandler = createBrowserCapability();

/** Host-level refusals: when one hit a main-frame navigation, the call fails with its code. */
const HOST_REFUSALS = new Set(['host_not_allowed', 'address_not_allowed', 'https_required', 'invalid_url']);

async function readPage(app: AppContext, facts: RunFacts, page: Page, proxy: GuardProxy, target: URL, options: NonNullable<z.infer<ReturnType<typeof argsSchema>>[1]>, limits: BrowserLimits, deadline: number): Promise<BrowserReadResult> {
  const remaining = () => Math.max(1, deadline - Date.now());
  const navigations: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) navigations.push(request.url());
  });
  let requests = 0;
  // The early filter: every request the page starts (not redirect hops — the proxy sees those) is
  // checked like ctx.fetch's URL and aborted when refused; what passes is checked again by the proxy.
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (/^(data|blob):/i.test(url)) return route.continue().catch(() => undefined);
    let code: string | null = ++requests > limits.maxRequests ? 'too_many_requests' : null;
    if (!code) {
      try {
        checkRequestUrl(app, facts, url, API);
      } catch (err) {
        if (!(err instanceof CapabilityError)) throw err;
        code = err.code;
      }
    }
    if (code) {
      proxy.block(url, code);
      return route.abort('blockedbyclient').catch(() => undefined);
    }
    return route.continue().catch(() => undefined);
  });

  const refusedNavigation = (): CapabilityError | null => {
    const origins = new Set(navigations.map((u) => originOf(u)));
    const hit = proxy.blocked.find((b) => HOST_REFUSALS.has(b.code) && origins.has(originOf(b.url)));
    return hit ? new CapabilityError(hit.code, `${API}: the page (or a redirect it made) was refused: ${hit.code}.`) : null;
  };

  let response: Response | null;
  try {
    response = await page.goto(target.href, { waitUntil: 'load', timeout: remaining() });
  } catch (err) {
    throw refusedNavigation() ?? err;
  }
  const refused = refusedNavigation();
  if (refused) throw refused;
  if (options.wait_for) {
    try {
      await page.locator(`css=${options.wait_for}`).first().waitFor({ state: 'attached', timeout: remaining() });
    } catch (err) {
      if (err instanceof playwrightErrors.TimeoutError) throw timeoutError('the wait_for selector did not appear');
      throw selectorError(err, 'wait_for');
    }
  }

  const title = capText(await page.title(), 1024).text;
  const body = await page.locator('body').innerText({ timeout: remaining() }).catch(() => '');
  const text = capText(body, limits.maxTextBytes);
  const fields: Record<string, string | null> = {};
  for (const [name, css] of Object.entries(options.selectors ?? {})) {
    const first = page.locator(`css=${css}`).first();
    let found: number;
    try {
      found = await first.count();
    } catch (err) {
      throw selectorError(err, `selectors.${name}`);
    }
    if (found === 0) {
      fields[name] = null;
      continue;
    }
    const value = await first.innerText({ timeout: remaining() }).catch(() => first.textContent({ timeout: remaining() }));
    fields[name] = capText(value ?? '', limits.maxFieldBytes).text;
  }
  const result: BrowserReadResult = {
    url: page.url(),
    status: response?.status() ?? 0,
    title,
    text: text.text,
    text_truncated: text.truncated,
    fields,
    blocked: proxy.blocked.slice(0, MAX_BLOCKED_SHOWN),
    blocked_count: proxy.blocked.length,
  };
  if (options.links) {
    const raw: unknown = await page.locator('a[href]').evaluateAll(
      // Runs in the page (the server's tsconfig has no DOM types): an anchor's resolved href and its visible text.
      (anchors, max) => anchors.slice(0, max * 2).map((a) => {
        const el = a as unknown as { href: string; innerText?: string; textContent: string | null };
        return [el.href, (el.innerText || el.textContent || '').trim()];
      }),
      limits.maxLinks,
    );
    // What the page's scripts returned is data from the page: checked and capped here.
    result.links = (Array.isArray(raw) ? raw : [])
      .filter((l): l is [string, string] => Array.isArray(l) && typeof l[0] === 'string' && typeof l[1] === 'string' && /^https?:/i.test(l[0]) && l[0].length <= 2048)
      .slice(0, limits.maxLinks)
      .map(([href, linkText]) => ({ href, text: capText(linkText, 256).text }));
  }
  return result;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function selectorError(err: unknown, where: string): unknown {
  const message = err instanceof Error ? err.message : '';
  if (/selector|Unexpected token|parse/i.test(message)) return new CapabilityError('invalid_arguments', `${API}: ${where} is not a valid CSS selector.`);
  return err;
}

/** Everything else, named without internals: Playwright's time-outs, Chromium's network error names. */
function translate(app: AppContext, err: unknown, blocked: BlockedRequest[]): CapabilityError {
  if (err instanceof CapabilityError) return err;
  if (err instanceof playwrightErrors.TimeoutError) return timeoutError('the page did not load');
  const message = err instanceof Error ? err.message : '';
  const net = /net::(ERR_[A-Z_]+)/.exec(message)?.[1];
  if (net === 'ERR_ABORTED' || net === 'ERR_BLOCKED_BY_CLIENT') {
    const code = blocked.find((b) => HOST_REFUSALS.has(b.code))?.code;
    if (code) return new CapabilityError(code, `${API}: the page (or a redirect it made) was refused: ${code}.`);
  }
  if (net) return new CapabilityError('navigation_failed', `${API}: the page could not be loaded (${net}).`);
  if (/Target (page, context or browser )?closed|Browser has been closed/i.test(message)) return new CapabilityError('browser_failed', `${API}: the browser closed the page.`);
  app.log.warn({ error: err instanceof Error ? err.name : typeof err }, 'ctx.browser.read failed');
  return new CapabilityError('browser_failed', `${API}: the page could not be read.`);
}
