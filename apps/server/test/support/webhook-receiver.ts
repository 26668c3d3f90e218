import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  method: string;
  /** The request path (several endpoints can share one receiver on different paths). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, byte for byte as sent (signatures are over these bytes). */
  body: string;
}

export type ReceiverBehaviour = { status: number } | 'hang';

export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:54321 (no trailing slash). */
  url: string;
  requests: ReceivedWebhook[];
  /** TCP connections accepted so far, whether or not a request was parsed on them. */
  connections: () => number;
  /** How the next requests are answered: a status code, or never ('hang'). */
  answer: (behaviour: ReceiverBehaviour) => void;
  /** The standard webhooks headers of request `i` (for the reference library's verify). */
  signatureHeaders: (i: number) => Record<string, string>;
  close: () => Promise<void>;
}

/** A local HTTP receiver on 127.0.0.1 and a free port that records every request it gets. */
export async function startWebhookReceiver(initial: ReceiverBehaviour = { status: 200 }): Promise<WebhookReceiver> {
  let behaviour = initial;
  let connections = 0;
  const sockets = new Set<Socket>();
  const requests: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (behaviour === 'hang') return;
      res.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end(behaviour.status < 300 ? 'ok' : 'receiver says no');
    });
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    answer: (b) => (behaviour = b),
    signatureHeaders: (i) => {
      const h = requests[i]?.headers;
      if (!h) throw new Error(`no request #${i} was received`);
      return { 'webhook-id': String(h['webhook-id']), 'webhook-timestamp': String(h['webhook-timestamp']), 'webhook-signature': String(h['webhook-signature']) };
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
