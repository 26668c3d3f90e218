import { randomUUID } from 'node:crypto';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';

type Injected = Awaited<ReturnType<ReturnType<typeof useTestApp>['app']['inject']>>;

/** The body as the client reads it once its HTTP library has undone the Content-Encoding. */
function decoded(res: Injected): string {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(res.rawPayload).toString();
  if (encoding === 'gzip') return gunzipSync(res.rawPayload).toString();
  expect(encoding).toBeUndefined();
  return res.rawPayload.toString();
}

describe('response compression', () => {
  const t = useTestApp();
  let org: OrgFixture;
  let agent: AgentFixture;
  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org);
  });
  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${org.orgKey}`, ...headers } });

  it('compresses a large JSON answer with Brotli or gzip when the client accepts it, and only then', async () => {
    const plain = await get('/openapi.json');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(10_000);
    const br = await get('/openapi.json', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['content-type']).toMatch(/^application\/json/);
    // (a large answer is compressed as a stream: chunked, no Content-Length of the uncompressed size left behind)
    if (br.headers['content-length'] !== undefined) expect(Number(br.headers['content-length'])).toBe(br.rawPayload.length);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
    expect(decoded(br)).toBe(plain.body);
    const gz = await get('/openapi.json', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decoded(gz)).toBe(plain.body);
    // deflate and anything else unknown: sent as it is
    expect((await get('/openapi.json', { 'accept-encoding': 'deflate' })).headers['content-encoding']).toBeUndefined();
    expect((await get('/openapi.json', { 'accept-encoding': 'identity' })).headers['content-encoding']).toBeUndefined();
  });

  it('sends answers under 1 kB as they are', async () => {
    const res = await get('/healthz', { 'accept-encoding': 'gzip, br' });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBeLessThan(1024);
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it('replays an idempotent POST with a body byte-identical to the first answer, whatever each request accepted', async () => {
    const key = randomUUID();
    // Metadata long enough for the answer to pass the 1 kB threshold.
    const body = JSON.stringify({ vendor: 'acme_api', amount: 1_000, currency: 'INR', metadata: { a: 'x'.repeat(500), b: 'y'.repeat(500), c: 'z'.repeat(500) } });
    const post = (acceptEncoding?: string) =>
      t.app.inject({
        method: 'POST',
        url: '/purchase-intents',
        payload: body,
        headers: { authorization: `Bearer ${agent.agentKey}`, 'content-type': 'application/json', 'idempotency-key': key, ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
      });
    const first = await post('gzip');
    expect(first.statusCode).toBe(201);
    expect(first.headers['content-encoding']).toBe('gzip');
    const original = decoded(first);
    expect(JSON.parse(original).metadata.a).toHaveLength(500);
    for (const acceptEncoding of ['br', 'gzip', undefined]) {
      const replay = await post(acceptEncoding);
      expect(replay.statusCode).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(decoded(replay)).toBe(original);
    }
  });

  it('never decompresses a request body: a gzip-encoded body is not read as JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: gzipSync(JSON.stringify({ email: org.email, password: org.password })),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).not.toBe(undefined);
  });
});
