import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type LookupFunction, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { isNonPublicError, publicOnlyLookup } from '../../../lib/public-network.ts';
import { CapabilityError } from '../run-host.ts';

/**
 * The network of one `ctx.browser.read` page: Chromium is told to send every request through this
 * HTTP proxy (plain http as absolute-form requests, https and WebSockets as CONNECT tunnels), which
 * listens on loopback for this one call and is closed with it. It is where the SSRF rules are
 * enforced, exactly as for ctx.fetch: each request's URL (or tunnel's host) goes through `check`
 * (allowed hosts, scheme, no private literal), and the upstream connection is made with the
 * public-only lookup, so the address checked is the address connected to (no DNS rebinding) — the
 * browser itself resolves no name and connects nowhere else. Redirect hops are new requests
 * and pass here again. Requests and bytes are counted against the page's caps.
 */
export interface GuardProxyOptions {
  /** Throws a CapabilityError when the URL may not be requested. */
  check: (url: string) => void;
  allowPrivateNetworks: boolean;
  /** Replaces the public-only lookup (tests); without it, private networks allowed means the system's lookup. */
  lookup?: LookupFunction;
  /** Tunnels and plain requests together. */
  maxConnections: number;
  /** Bytes through the proxy in both directions. */
  maxBytes: number;
}

export interface BlockedRequest {
  /** Origin (`https://host:port` of a tunnel) or URL of a plain request, as far as known. */
  url: string;
  code: string;
}

export interface GuardProxy {
  url: string;
  blocked: BlockedRequest[];
  /** Records a refusal made elsewhere (the page's route filter) next to the proxy's own. */
  block: (url: string, code: string) => void;
  close: () => Promise<void>;
}

const MAX_BLOCKED_KEPT = 100;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export async function startGuardProxy(options: GuardProxyOptions): Promise<GuardProxy> {
  const sockets = new Set<Duplex>();
  const blocked: BlockedRequest[] = [];
  let connections = 0;
  let bytes = 0;
  let overBudget = false;
  const block = (url: string, code: string) => {
    if (blocked.length < MAX_BLOCKED_KEPT) blocked.push({ url: url.slice(0, 2048), code });
  };
  const track = <T extends Duplex>(socket: T): T => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  };
  /** Counts bytes; past the budget every socket of the page is cut. */
  const count = (n: number) => {
    bytes += n;
    if (bytes > options.maxBytes && !overBudget) {
      overBudget = true;
      block('', 'transfer_limit_exceeded');
      for (const s of sockets) s.destroy();
    }
  };
  /** The refusal code for a URL, or null when it may be requested (and counted). */
  const refusal = (url: string): string | null => {
    if (overBudget) return 'transfer_limit_exceeded';
    if (++connections > options.maxConnections) return 'too_many_requests';
    try {
      options.check(url);
      return null;
    } catch (err) {
      if (err instanceof CapabilityError) return err.code;
      throw err;
    }
  };
  const lookup = options.lookup ? { lookup: options.lookup } : options.allowPrivateNetworks ? {} : { lookup: publicOnlyLookup as LookupFunction };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const raw = req.url ?? '';
    if (!/^http:\/\//i.test(raw)) {
      res.writeHead(400, { connection: 'close' }).end();
      return;
    }
    const code = refusal(raw);
    if (code) {
      block(raw, code);
      res.writeHead(403, { 'content-type': 'text/plain', connection: 'close' }).end(`Blocked by FrameOS: ${code}`);
      return;
    }
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    const upstream = httpRequest(raw, { method: req.method ?? 'GET', headers, agent: false, ...lookup }, (up) => {
      const out: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
      res.writeHead(up.statusCode ?? 502, up.statusMessage ?? '', out);
      up.on('data', (chunk: Buffer) => count(chunk.length));
      up.pipe(res);
    });
    upstream.on('socket', (s: Socket) => track(s));
    upstream.on('error', (err) => {
      if (isNonPublicError(err)) block(raw, 'address_not_allowed');
      if (!res.headersSent) res.writeHead(502, { connection: 'close' }).end();
      else res.destroy();
    });
    req.on('data', (chunk: Buffer) => count(chunk.length));
    req.pipe(upstream);
  });

  server.on('connection', (socket: Socket) => track(socket));
  // A tunnel: https (and wss). The browser checks the certificate; here the host and the address are checked.
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    const target = req.url ?? '';
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s/]+):(\d{1,5})$/.exec(target);
    const origin = match ? `https://${match[1]}:${match[2]}` : target;
    const code = match ? refusal(`${origin}/`) : 'invalid_url';
    if (code) {
      block(origin, code);
      client.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const host = match![1]!.replace(/^\[|\]$/g, '');
    const upstream = track(connect({ host, port: Number(match![2]), ...lookup }));
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.on('data', (chunk: Buffer) => count(chunk.length));
      client.on('data', (chunk: Buffer) => count(chunk.length));
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('error', (err) => {
      if (isNonPublicError(err)) block(origin, 'address_not_allowed');
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n');
    });
  });
  // A plain ws:// upgrade sent to the proxy itself: not forwarded.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    block(req.url ?? '', 'websocket_not_allowed');
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    blocked,
    block,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
