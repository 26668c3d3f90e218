import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningSeed } from '@frameos/domain';
import { call, expectStatus } from './support/api-client.ts';
import { createFreshDatabase } from './support/fresh-database.ts';
import { queryRows } from './support/ledger-invariants.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A worker process is killed (SIGKILL) while it waits on a webhook receiver. The delivery was claimed
 * with a lease and never finished; a new worker process must deliver it once the lease runs out.
 */
describe('webhook delivery survives a worker killed mid-delivery', () => {
  let db: { url: string; drop: () => Promise<void> };
  let api: ServerProcess;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  let hangFirst = true;
  const workers: WorkerProcess[] = [];
  let shared: Record<string, string>;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (hangFirst) {
          hangFirst = false;
          hanging.push(res);
          return;
        }
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const address = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks`;
    db = await createFreshDatabase('frameos_crash');
    shared = { DATABASE_URL: db.url, MANDATE_SIGN_KEY: generateSigningSeed(), JWT_SECRET: `${randomUUID()}${randomUUID()}`, SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64url') };
    api = await startServerProcess(shared);
  });

  afterAll(async () => {
    for (const res of hanging) res.destroy();
    await Promise.all(workers.map((w) => w.stop()));
    await api?.stop();
    await new Promise<void>((r) => receiver.close(() => r()));
    await db?.drop();
  });

  async function waitFor<T>(what: string, probe: () => Promise<T | null> | T | null, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value !== null) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; worker output: ${workers.map((w) => w.output()).join('\n')}`);
  }

  it('delivers the event after the dead worker\'s lease expires, with the same webhook-id', async () => {
    const signup = await expectStatus(call(api.baseUrl, 'POST', '/auth/signup', null, { email: `k-${randomUUID()}@example.com`, password: 'correct horse battery staple', org_name: 'Crash' }), 201);
    const orgKey = signup.body.api_key as string;
    await expectStatus(call(api.baseUrl, 'POST', '/vendors', orgKey, { vendor_id: 'acme_api', name: 'Acme', rail: 'ledger' }), 201);
    const endpoint = await expectStatus(call(api.baseUrl, 'POST', '/webhook-endpoints', orgKey, { url: receiverUrl, events: ['payment.settled'] }), 201);
    const agent = await expectStatus(call(api.baseUrl, 'POST', '/agent-accounts', orgKey, { name: 'a', risk_tier: 'LOW' }), 201);
    await expectStatus(call(api.baseUrl, 'POST', `/agent-accounts/${agent.body.id}/top-ups`, orgKey, { amount: 10_000, currency: 'INR' }), 201);
    const policy = await expectStatus(call(api.baseUrl, 'POST', '/policies', orgKey, { agent_account_id: agent.body.id, name: 'p', currency: 'INR', vendor_allowlist: ['acme_api'], per_tx_cap: 5_000, daily_limit: 50_000 }), 201);
    const intent = await expectStatus(call(api.baseUrl, 'POST', '/purchase-intents', agent.body.api_key, { vendor: 'acme_api', amount: 1_000, currency: 'INR' }), 201);
    const mandate = await expectStatus(call(api.baseUrl, 'POST', '/mandates', agent.body.api_key, { intent_id: intent.body.id, policy_id: policy.body.id }), 201);
    const payment = await expectStatus(call(api.baseUrl, 'POST', '/execute', agent.body.api_key, { mandate_id: mandate.body.mandate_id }), 200);

    // The first worker claims the delivery (lease 3 s) and hangs on the receiver; then it dies.
    const workerEnv = { ...shared, WEBHOOK_DELIVERY_LEASE_SECONDS: '3', WEBHOOK_DELIVERY_POLL_MS: '100', WEBHOOK_DELIVERY_TIMEOUT_MS: '60000' };
    workers.push(startWorkerProcess(workerEnv));
    await waitFor('the first delivery attempt', () => (received.length >= 1 ? true : null));
    await workers[0]!.kill();
    const [claimed] = await queryRows(db.url, `select status, attempts from webhook_deliveries where endpoint_id = $1`, [endpoint.body.id]);
    expect(claimed).toMatchObject({ status: 'pending', attempts: 1 });
    const [logged] = await queryRows(db.url, `select count(*)::int as n from webhook_delivery_attempts a join webhook_deliveries d on d.id = a.delivery_id where d.endpoint_id = $1`, [endpoint.body.id]);
    expect(logged).toMatchObject({ n: 0 });

    // A new worker process picks it up once the lease has run out.
    workers.push(startWorkerProcess(workerEnv));
    const done = await waitFor('the delivery to succeed', async () => {
      const [row] = await queryRows(db.url, `select status, attempts from webhook_deliveries where endpoint_id = $1`, [endpoint.body.id]);
      return row?.status === 'succeeded' ? row : null;
    });
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(received).toHaveLength(2);
    expect(received[1]!.headers['webhook-id']).toBe(received[0]!.headers['webhook-id']);
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(JSON.parse(received[1]!.body)).toMatchObject({ type: 'payment.settled', data: { payment_id: payment.body.payment_id, status: 'settled' } });
  }, 120_000);
});
