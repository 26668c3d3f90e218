import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.ts';
import { newId } from '../../src/lib/ids.ts';
import { rowsOf } from '../../src/lib/sql-values.ts';
import {
  closeEmailTransport, createEmailCapability, createEmitCapability, EMAIL_LIMITS, createFetchCapability, defaultCapabilities, FETCH_LIMITS, hostAllowed,
} from '../../src/modules/executions/capabilities/index.ts';
import { buildRunHost, CapabilityError, type CapabilityHandler, type RunFacts } from '../../src/modules/executions/run-host.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.ts';
import { useTestApp } from '../support/test-app.ts';
import { agentSource, deploy, developer, marketplaceEnv, payer, platformAdminToken, publishAgent, type PayerFixture } from '../support/marketplace-kit.ts';

/** Numbers the host calls as a run's host does (1, 2, …), each call its own: no call here is an earlier attempt's. */
let seq = 0;

// Handlers are called directly, as the run host calls them. The app allows private networks (the
// local servers below); refusals of private addresses run on a copy of its context without that.
const t = useTestApp({ env: { ...marketplaceEnv, RUNTIME_ALLOW_PRIVATE_NETWORKS: '1' } });

type Runtime = AppContext['config']['runtime'];
function withConfig(app: AppContext, changes: { env?: AppContext['config']['env']; runtime?: Partial<Runtime> }): AppContext {
  return { ...app, config: { ...app.config, ...(changes.env ? { env: changes.env } : {}), runtime: { ...app.config.runtime, ...changes.runtime } } };
}

const ALL_CAPABILITIES = ['http_request', 'email', 'file_storage', 'database_read', 'database_write', 'webhook'];
let buyer: PayerFixture;
let deploymentId: string;
let agentId: string;

function facts(changes: Partial<RunFacts> = {}): RunFacts {
  return {
    executionId: newId('execution'), orgId: buyer.org.orgId, deploymentId, agentId, allowedHosts: [], unitPrice: 0, heldAmount: 0,
    capabilities: ALL_CAPABILITIES, config: {}, secrets: {}, ...changes,
  };
}

async function refusal(call: Promise<unknown>): Promise<CapabilityError> {
  const err = await call.then(() => null, (e: unknown) => e);
  expect(err, 'the call was not refused').toBeInstanceOf(CapabilityError);
  return err as CapabilityError;
}

const handlers = () => defaultCapabilities(t.appCtx);
const call = (api: keyof ReturnType<typeof handlers>, f: RunFacts, ...args: unknown[]) => (handlers()[api] as CapabilityHandler)(t.appCtx, f, args, ++seq);

beforeAll(async () => {
  const admin = await platformAdminToken(t);
  const dev = await developer(t);
  agentId = await publishAgent(t, dev, admin, agentSource('hello-world'), { id: 'agt_hello_caps' });
  buyer = await payer(t, [agentId]);
  deploymentId = await deploy(t, buyer, agentId);
});

describe('defaultCapabilities', () => {
  it('has a handler for every host API but charge', () => {
    expect(Object.keys(handlers()).sort()).toEqual(['browser.read', 'db.delete', 'db.get', 'db.list', 'db.put', 'email.send', 'emit', 'fetch', 'storage.delete', 'storage.get', 'storage.list', 'storage.put']);
  });

  it('refuses an API whose capability the run did not declare', async () => {
    expect((await refusal(call('fetch', facts({ capabilities: [], allowedHosts: ['127.0.0.1'] }), 'http://127.0.0.1/'))).code).toBe('capability_not_declared');
    expect((await refusal(call('storage.get', facts({ capabilities: ['database_read'] }), 'a')))).toMatchObject({ code: 'capability_not_declared' });
  });
});

describe('ctx.fetch', () => {
  let server: Server;
  let base: string;
  let port: number;
  const hanging = new Set<ServerResponse>();

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x');
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (url.pathname === '/echo') {
          res.setHeader('content-type', 'application/json');
          res.setHeader('x-custom', 'yes');
          res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
        } else if (url.pathname === '/redirect') {
          res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/echo' });
          res.end();
        } else if (url.pathname === '/loop') {
          res.writeHead(302, { location: '/loop' });
          res.end();
        } else if (url.pathname === '/big') {
          // Streamed without a content-length: the cap is counted as bytes arrive.
          const chunk = Buffer.alloc(64 * 1024, 'a');
          let sent = 0;
          const write = () => {
            while (sent <= FETCH_LIMITS.maxResponseBytes) {
              sent += chunk.length;
              if (!res.write(chunk)) return res.once('drain', write);
            }
            res.end();
          };
          res.on('error', () => undefined);
          write();
        } else if (url.pathname === '/big-declared') {
          res.writeHead(200, { 'content-length': String(FETCH_LIMITS.maxResponseBytes + 1) });
          res.end();
        } else if (url.pathname === '/hang') {
          hanging.add(res);
        } else {
          res.statusCode = 404;
          res.end('no');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const local = () => facts({ allowedHosts: ['127.0.0.1'] });

  it('fetches from an allowed host: status, headers, final url and the body as text', async () => {
    const res = (await call('fetch', local(), `${base}/echo?x=1`, { method: 'post', headers: { 'Content-Type': 'text/plain', 'X-Api-Key': 'k', 'X-Count': 3, Connection: 'close' }, body: 'hello' })) as Record<string, unknown>;
    expect(res).toMatchObject({ status: 200, statusText: 'OK', url: `${base}/echo?x=1` });
    expect((res.headers as Record<string, string>)['x-custom']).toBe('yes');
    expect(res.headers).not.toHaveProperty('connection');
    const echoed = JSON.parse(String(res.body)) as { method: string; headers: Record<string, string>; body: string };
    expect(echoed).toMatchObject({ method: 'POST', body: 'hello' });
    expect(echoed.headers).toMatchObject({ 'x-api-key': 'k', 'x-count': '3', 'content-type': 'text/plain', 'accept-encoding': 'identity', host: `127.0.0.1:${port}` });
  });

  it('refuses a Host header, a body on GET and a URL with credentials', async () => {
    expect((await refusal(call('fetch', local(), `${base}/echo`, { headers: { Host: 'evil.example' } }))).code).toBe('header_not_allowed');
    expect((await refusal(call('fetch', local(), `${base}/echo`, { body: 'x' }))).code).toBe('invalid_arguments');
    expect((await refusal(call('fetch', local(), `http://u:p@127.0.0.1:${port}/echo`))).code).toBe('invalid_url');
    expect((await refusal(call('fetch', local(), 'file:///etc/passwd'))).code).toBe('invalid_url');
    expect((await refusal(call('fetch', local(), 42))).code).toBe('invalid_arguments');
  });

  it('refuses every host when the deployment allows none, and hosts not in allowed_hosts', async () => {
    expect(await refusal(call('fetch', facts({ allowedHosts: [] }), `${base}/echo`))).toMatchObject({ code: 'host_not_allowed', message: expect.stringContaining('allows no hosts') });
    expect((await refusal(call('fetch', facts({ allowedHosts: ['api.example.com'] }), `${base}/echo`))).code).toBe('host_not_allowed');
  });

  it('matches exact hosts and *.domain subdomains, not the apex, never an IP', () => {
    expect(hostAllowed('api.example.com', ['api.example.com'])).toBe(true);
    expect(hostAllowed('a.api.example.com', ['api.example.com'])).toBe(false);
    expect(hostAllowed('a.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('a.b.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('badexample.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('127.0.0.1', ['*.0.0.1'])).toBe(false);
  });

  it('https only in production', async () => {
    const prod = withConfig(t.appCtx, { env: 'production' });
    expect((await refusal(handlers().fetch!(prod, local(), [`${base}/echo`], ++seq))).code).toBe('https_required');
  });

  it('follows redirects, re-checking allowed_hosts on every hop, and drops credentials across origins', async () => {
    const followed = (await call('fetch', local(), `${base}/redirect?to=/echo`)) as { url: string; status: number };
    expect(followed).toMatchObject({ status: 200, url: `${base}/echo` });

    const away = `${base}/redirect?to=${encodeURIComponent(`http://localhost:${port}/echo`)}`;
    expect((await refusal(call('fetch', local(), away))).code).toBe('host_not_allowed');

    const both = facts({ allowedHosts: ['127.0.0.1', 'localhost'] });
    const crossed = (await call('fetch', both, away, { headers: { authorization: 'Bearer s3cret', cookie: 'a=b', 'x-keep': '1' } })) as { body: string };
    const headers = (JSON.parse(crossed.body) as { headers: Record<string, string> }).headers;
    expect(headers['x-keep']).toBe('1');
    expect(headers).not.toHaveProperty('authorization');
    expect(headers).not.toHaveProperty('cookie');

    const seeOther = (await call('fetch', local(), `${base}/redirect?status=303&to=/echo`, { method: 'POST', body: 'data', headers: { 'content-type': 'text/plain' } })) as { body: string };
    expect(JSON.parse(seeOther.body)).toMatchObject({ method: 'GET', body: '' });
    const kept = (await call('fetch', local(), `${base}/redirect?status=307&to=/echo`, { method: 'POST', body: 'data' })) as { body: string };
    expect(JSON.parse(kept.body)).toMatchObject({ method: 'POST', body: 'data' });
  });

  it('stops after 5 redirects', async () => {
    expect((await refusal(call('fetch', local(), `${base}/loop`))).code).toBe('too_many_redirects');
  });

  it('caps the response body at 5 MiB, streamed or declared', async () => {
    expect((await refusal(call('fetch', local(), `${base}/big`))).code).toBe('response_too_large');
    expect((await refusal(call('fetch', local(), `${base}/big-declared`))).code).toBe('response_too_large');
  });

  it('times out a server that never answers', async () => {
    const quick = createFetchCapability({ ...FETCH_LIMITS, timeoutMs: 100 });
    expect((await refusal(quick(t.appCtx, local(), [`${base}/hang`], ++seq))).code).toBe('fetch_timeout');
  });

  describe('without RUNTIME_ALLOW_PRIVATE_NETWORKS', () => {
    const guarded = () => withConfig(t.appCtx, { runtime: { allowPrivateNetworks: false } });
    const everyHost = () => facts({ allowedHosts: ['127.0.0.1', 'localhost', '169.254.169.254', '::1', '0.0.0.0', '10.0.0.1', '::ffff:7f00:1'] });

    it.each([
      ['loopback', () => `${base}/echo`],
      ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
      ['a name resolving to loopback', () => `http://localhost:${port}/echo`],
      ['IPv6 loopback', () => `http://[::1]:${port}/echo`],
      ['the unspecified address', () => `http://0.0.0.0:${port}/echo`],
      ['a decimal IPv4 literal', () => `http://2130706433:${port}/echo`],
      ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${port}/echo`],
      ['a private network', () => 'http://10.0.0.1/'],
    ])('refuses %s', async (_name, url) => {
      expect((await refusal(handlers().fetch!(guarded(), everyHost(), [url()], ++seq))).code).toBe('address_not_allowed');
    });

  });
});

describe('ctx.email.send', () => {
  let mail: SmtpReceiver;
  let mailApp: AppContext;
  const FROM = 'FrameOS agents <agents@frameos.test>';

  beforeAll(async () => {
    mail = await startSmtpReceiver();
    mailApp = withConfig(t.appCtx, { runtime: { smtp: { url: mail.url, from: FROM } } });
  });

  afterAll(async () => {
    closeEmailTransport(mailApp);
    await mail.close();
  });

  it('sends through the operator SMTP server, from the operator address', async () => {
    const result = (await handlers()['email.send']!(mailApp, facts(), [{ to: ['a@example.com', 'b@example.com'], subject: 'Report ready', text: 'plain body', html: '<p>html body</p>' }], ++seq)) as { message_id: string };
    expect(result.message_id).toMatch(/^<.+>$/);
    expect(mail.received).toHaveLength(1);
    expect(mail.received[0]!.from).toBe('agents@frameos.test');
    expect(mail.received[0]!.to).toEqual(['a@example.com', 'b@example.com']);
    expect(mail.received[0]!.raw).toContain('From: FrameOS agents <agents@frameos.test>');
    expect(mail.received[0]!.raw).toContain('Subject: Report ready');
    expect(mail.received[0]!.raw).toContain('plain body');
  });

  it('refuses a from, bad addresses, too many recipients, a long subject', async () => {
    const send = (m: unknown) => handlers()['email.send']!(mailApp, facts(), [m], ++seq);
    expect((await refusal(send({ to: 'a@example.com', subject: 's', text: 't', from: 'ceo@bank.example' }))).code).toBe('invalid_arguments');
    expect((await refusal(send({ to: 'not an address', subject: 's', text: 't' }))).code).toBe('invalid_arguments');
    expect((await refusal(send({ to: Array.from({ length: 11 }, (_, i) => `u${i}@example.com`), subject: 's', text: 't' }))).code).toBe('invalid_arguments');
    expect((await refusal(send({ to: 'a@example.com', subject: 'x'.repeat(201), text: 't' }))).code).toBe('invalid_arguments');
    expect((await refusal(send({ to: 'a@example.com', subject: 'line\r\nBcc: x@example.com', text: 't' }))).code).toBe('invalid_arguments');
  });

  it('is rate-limited per deployment', async () => {
    const limited = createEmailCapability({ ...EMAIL_LIMITS, perDeployment: 2, windowMs: 60_000 });
    const other = withConfig(mailApp, {});
    const f = facts();
    for (let i = 0; i < 2; i++) await limited(other, f, [{ to: 'a@example.com', subject: `n${i}`, text: 't' }], ++seq);
    expect((await refusal(limited(other, f, [{ to: 'a@example.com', subject: 'n3', text: 't' }], ++seq))).code).toBe('email_rate_limited');
    closeEmailTransport(other);
  });

  it('email_not_configured without SMTP_URL', async () => {
    expect((await refusal(call('email.send', facts(), { to: 'a@example.com', subject: 's', text: 't' }))).code).toBe('email_not_configured');
  });
});

describe('ctx.storage', () => {
  it('puts, gets, lists and deletes files of the deployment', async () => {
    const f = facts();
    expect(await call('storage.put', f, 'reports/2026_01.txt', 'first')).toEqual({ key: 'reports/2026_01.txt', size: 5 });
    expect(await call('storage.put', f, 'reports/2026_01.txt', 'héllo')).toEqual({ key: 'reports/2026_01.txt', size: 6 });
    await call('storage.put', f, 'reports/2026-02.txt', 'second');
    await call('storage.put', f, 'other.json', '{}');
    expect(await call('storage.get', f, 'reports/2026_01.txt')).toBe('héllo');
    expect(await call('storage.get', f, 'missing')).toBeNull();
    expect(await call('storage.list', f, 'reports/')).toEqual(['reports/2026-02.txt', 'reports/2026_01.txt']);
    expect(await call('storage.list', f, 'reports_')).toEqual([]);
    expect(await call('storage.list', f)).toHaveLength(3);
    expect(await call('storage.delete', f, 'other.json')).toBe(true);
    expect(await call('storage.delete', f, 'other.json')).toBe(false);
    expect(await call('storage.get', f, 'other.json')).toBeNull();
  });

  it('refuses bad keys and non-string data', async () => {
    const f = facts();
    for (const key of ['', '../etc/passwd', 'a/../b', 'spaces are not allowed', 'x'.repeat(257)]) {
      expect((await refusal(call('storage.put', f, key, 'x'))).code).toBe('invalid_arguments');
    }
    expect((await refusal(call('storage.put', f, 'k', { not: 'a string' }))).code).toBe('invalid_arguments');
  });

  it('keeps the deployment within 10 MiB, also for concurrent puts', async () => {
    const f = facts();
    const six = 'x'.repeat(6 * 1024 * 1024);
    await call('storage.put', f, 'quota/one', six);
    expect((await refusal(call('storage.put', f, 'quota/two', six))).code).toBe('storage_quota_exceeded');
    await call('storage.put', f, 'quota/one', six.replace(/^x/, 'y')); // replacing a file counts only the new size
    await call('storage.delete', f, 'quota/one');
    const results = await Promise.allSettled([call('storage.put', f, 'quota/a', six), call('storage.put', f, 'quota/b', six.replace(/^x/, 'z'))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'storage_quota_exceeded' });
    await Promise.all(['quota/a', 'quota/b'].map((k) => call('storage.delete', f, k)));
  });
});

describe('ctx.db', () => {
  it('gets, puts, lists and deletes JSON values of the deployment', async () => {
    const f = facts();
    expect(await call('db.get', f, 'user/1')).toBeNull();
    expect(await call('db.put', f, 'user/1', { name: 'Ada', tags: ['x'], n: 1.5 })).toBe(true);
    expect(await call('db.put', f, 'user/2', 'text')).toBe(true);
    expect(await call('db.put', f, 'count', 3)).toBe(true);
    expect(await call('db.get', f, 'user/1')).toEqual({ name: 'Ada', tags: ['x'], n: 1.5 });
    expect(await call('db.list', f, 'user/')).toEqual(['user/1', 'user/2']);
    expect(await call('db.delete', f, 'user/2')).toBe(true);
    expect(await call('db.delete', f, 'user/2')).toBe(false);
    expect(await call('db.list', f)).toEqual(['count', 'user/1']);
  });

  it('is read-only without database_write', async () => {
    await call('db.put', facts(), 'ro', { v: 1 });
    const reader = facts({ capabilities: ['database_read'] });
    expect(await call('db.get', reader, 'ro')).toEqual({ v: 1 });
    expect(await call('db.list', reader, 'ro')).toEqual(['ro']);
    expect((await refusal(call('db.put', reader, 'ro', 2))).code).toBe('capability_not_declared');
    expect((await refusal(call('db.delete', reader, 'ro'))).code).toBe('capability_not_declared');
  });

  it('refuses values over 256 KiB, null and NUL characters', async () => {
    const f = facts();
    expect((await refusal(call('db.put', f, 'big', 'x'.repeat(256 * 1024)))).code).toBe('value_too_large');
    expect((await refusal(call('db.put', f, 'nothing', null))).code).toBe('invalid_arguments');
    expect((await refusal(call('db.put', f, 'nul', { a: 'x\u0000' }))).code).toBe('invalid_arguments');
    expect(await call('db.put', f, 'escaped', { a: '\\u0000' })).toBe(true);
  });
});

describe('ctx.emit', () => {
  it('writes an agent.event to the deploying org, with a delivery per subscribed endpoint', async () => {
    const endpoint = await t.request('POST', '/webhook-endpoints', { token: buyer.org.orgKey, body: { url: 'https://hooks.example.com/frameos', events: ['agent.event'] } });
    expect(endpoint.status).toBe(201);
    const f = facts();
    const { event_id } = (await call('emit', f, 'report.ready', { rows: 3 })) as { event_id: string };
    const [event] = rowsOf(await t.appCtx.database.db.execute(sql`select org_id, type, payload from events where id = ${event_id}`));
    expect(event).toMatchObject({ org_id: buyer.org.orgId, type: 'agent.event' });
    expect(JSON.parse(String(event!.payload)).data).toEqual({ execution_id: f.executionId, deployment_id: deploymentId, agent_id: agentId, type: 'report.ready', data: { rows: 3 } });
    const deliveries = rowsOf(await t.appCtx.database.db.execute(sql`select endpoint_id from webhook_deliveries where event_id = ${event_id}`));
    expect(deliveries).toEqual([{ endpoint_id: endpoint.body.id }]);
  });

  it('enqueues each event of a run once when the run is retried after a lost worker', async () => {
    const f = facts();
    const attempt = () => {
      const host = buildRunHost(t.appCtx, f, handlers());
      return (type: string, data: unknown) => host({ api: 'emit', args: [type, data] });
    };
    const first = attempt();
    const answers = [await first('step', { n: 1 }), await first('step', { n: 2 })];
    const retry = attempt();
    expect([await retry('step', { n: 1 }), await retry('step', { n: 2 })]).toEqual(answers);
    const events = rowsOf(await t.appCtx.database.db.execute(sql`select id from events where payload like ${`%${f.executionId}%`} order by id`));
    expect(events.map((e) => e.id)).toEqual(answers.map((a) => (a as { event_id: string }).event_id));
    expect(await retry('step', { n: 3 })).toHaveProperty('event_id');
  });

  it('refuses bad types and large data, and limits events per run', async () => {
    const f = facts();
    expect((await refusal(call('emit', f, 'Bad Type', {}))).code).toBe('invalid_arguments');
    expect((await refusal(call('emit', f, 'big', 'x'.repeat(64 * 1024)))).code).toBe('event_too_large');
    const limited = createEmitCapability(2);
    await limited(t.appCtx, f, ['a', 1], ++seq);
    await limited(t.appCtx, f, ['b'], ++seq);
    expect((await refusal(limited(t.appCtx, f, ['c', 3], ++seq))).code).toBe('emit_rate_limited');
    expect(await limited(t.appCtx, facts(), ['c', 3], ++seq)).toHaveProperty('event_id');
  });
});
