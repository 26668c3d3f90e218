import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Errors Fastify and Node's HTTP parser produce before our error handler sees a request (a bad
 * percent-encoding, an over-long path parameter, oversized headers, a malformed request line, a
 * CORS preflight without its headers) still answer {"error":{"code","message","request_id"}}.
 * Some of them only happen on a real socket, so this suite listens on a port and speaks raw HTTP.
 */
interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parse(raw: string): WireResponse {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

function sendRaw(port: number, request: string): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', (err) => (data ? resolve(parse(data)) : reject(err)));
    socket.on('close', () => resolve(parse(data)));
    socket.write(request);
  });
}

function expectOurShape(res: WireResponse, status: number, code: string) {
  expect({ status: res.status, type: res.headers['content-type'] }, res.body).toEqual({ status, type: expect.stringMatching(/^application\/json/) });
  const body = JSON.parse(res.body) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatchObject({ code, message: expect.any(String), request_id: expect.stringMatching(/^req_[0-9a-f]{32}$/) });
  expect(res.headers['x-request-id']).toBe(body.error.request_id);
  expect(res.body).not.toMatch(/FST_ERR|statusCode|Bad Request"/);
}

describe('error bodies on the wire', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ env: { ALLOWED_ORIGINS: 'https://app.example' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => t.close());

  const get = (path: string, headers = '') => sendRaw(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${headers}Connection: close\r\n\r\n`);

  it.each(['/vendors/%ff', '/vendors/%', '/vendors/%zz', '/payments/a%e0%80'])('answers 400 invalid_url for a path with bad percent-encoding: %s', async (path) => {
    expectOurShape(await get(path), 400, 'invalid_url');
  });

  it('answers 414 url_too_long for a path parameter over the limit', async () => {
    expectOurShape(await get(`/vendors/${'a'.repeat(500)}`), 414, 'url_too_long');
  });

  it('answers 431 headers_too_large for oversized headers', async () => {
    expectOurShape(await get('/healthz', `X-Big: ${'a'.repeat(20_000)}\r\n`), 431, 'headers_too_large');
  });

  it.each([
    ['a request line that is not HTTP', 'HELLO\r\n\r\n'],
    ['a header without a colon', 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nnot a header\r\n\r\n'],
    ['a bad HTTP version', 'GET /healthz HTTP/9.9\r\nHost: localhost\r\n\r\n'],
  ])('answers 400 malformed_request for %s', async (_label, request) => {
    expectOurShape(await sendRaw(port, request), 400, 'malformed_request');
  });

  it('answers 400 invalid_preflight for an OPTIONS without Origin, and still allows a real preflight', async () => {
    expectOurShape(await sendRaw(port, 'OPTIONS /purchase-intents HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'), 400, 'invalid_preflight');
    const real = await sendRaw(port, 'OPTIONS /purchase-intents HTTP/1.1\r\nHost: localhost\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n');
    expect(real.status).toBe(204);
    expect(real.headers['access-control-allow-origin']).toBe('https://app.example');
  });

  it('keeps serving ordinary requests on the same server', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
  });
});
