import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../apps/server/test/support/test-app.ts';
import { setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../../../apps/server/test/support/fixtures.ts';
import {
  ApprovalRequiredError,
  createFrameOSClient,
  FrameOSError,
  InsufficientFundsError,
  NetworkError,
  PolicyViolationError,
  unwrap,
  ValidationError,
  verifyMandate,
  verifyReceiptChain,
} from '../src/index.ts';

/** @frameos/client against a live server (a real socket), with the agent's own key. */
describe('@frameos/client', () => {
  const t = useTestApp();
  let baseUrl: string;
  let org: OrgFixture;
  let agent: AgentFixture;

  beforeAll(async () => {
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    org = await signupOrg(t);
    agent = await setupAgent(t, org, { balance: 100_000, policy: { per_tx_cap: 50_000, daily_limit: 200_000 } });
  });

  const order = { vendor: 'acme_api', amount: 1_999, currency: 'INR' };
  const wallet = async (agentId = agent.agentId) => {
    const res = await t.request('GET', `/agent-accounts/${agentId}`, { token: org.orgKey });
    return (res.body.wallet.balances as { currency: string; balance: number }[]).find((b) => b.currency === 'INR')?.balance ?? 0;
  };

  it('pay(): intent → mandate → execute → the receipt, settled on the ledger', async () => {
    const frameos = createFrameOSClient({ baseUrl, apiKey: agent.agentKey });
    const before = await wallet();
    const paid = await frameos.pay({ ...order, policy_id: agent.policyId, description: 'one API call' });
    expect(paid.payment).toMatchObject({ status: 'settled', amount: 1_999, currency: 'INR', mandate_id: paid.mandate.mandate_id });
    expect(paid.mandate.mandate).toMatch(/^eyJ/);
    expect(paid.receipt).toMatchObject({ receipt_id: paid.payment.receipt_id, payment_id: paid.payment.payment_id });
    expect(await wallet()).toBe(before - 1_999);
  });

  it('pay() with an idempotency key is exactly-once across the caller’s own retries', async () => {
    const frameos = createFrameOSClient({ baseUrl, apiKey: agent.agentKey });
    const before = await wallet();
    const first = await frameos.pay({ ...order, policy_id: agent.policyId, idempotencyKey: 'order-42' });
    const again = await frameos.pay({ ...order, policy_id: agent.policyId, idempotencyKey: 'order-42' });
    expect(again.payment.payment_id).toBe(first.payment.payment_id);
    expect(await wallet()).toBe(before - 1_999);
  });

  it('throws typed errors: the policy’s reason, insufficient funds, the invalid field', async () => {
    const frameos = createFrameOSClient({ baseUrl, apiKey: agent.agentKey });
    const overCap = await frameos.pay({ ...order, amount: 60_000, policy_id: agent.policyId }).catch((e: unknown) => e);
    expect(overCap).toBeInstanceOf(PolicyViolationError);
    expect(overCap).toBeInstanceOf(FrameOSError);
    expect(overCap).toMatchObject({ status: 403, code: 'policy_violation', reason: 'amount_over_cap' });

    const poor = await setupAgent(t, org, { balance: 500 });
    const broke = await createFrameOSClient({ baseUrl, apiKey: poor.agentKey }).pay({ ...order, policy_id: poor.policyId }).catch((e: unknown) => e);
    expect(broke).toBeInstanceOf(InsufficientFundsError);
    expect(broke).toMatchObject({ status: 402, code: 'insufficient_funds' });
    expect(await wallet(poor.agentId)).toBe(500);

    const bad = await unwrap(frameos.api.POST('/purchase-intents', { body: { ...order, amount: 1.5 } })).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).field).toBe('body.amount');
  });

  it('returns at once with the mandate id when a person must approve, charging nothing', async () => {
    const careful = await setupAgent(t, org, { balance: 10_000, policy: { approval_threshold: 1_000 } });
    const waiting = await createFrameOSClient({ baseUrl, apiKey: careful.agentKey }).pay({ ...order, policy_id: careful.policyId }).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(ApprovalRequiredError);
    const { mandateId } = waiting as ApprovalRequiredError;
    expect((await t.request('GET', `/mandates/${mandateId}`, { token: org.orgKey })).body.status).toBe('pending_approval');
    expect(await wallet(careful.agentId)).toBe(10_000);
  });

  it('retries a POST whose answer was lost with the same Idempotency-Key: charged once', async () => {
    let lost = 0;
    const keys: string[] = [];
    // The server executes the payment, then the connection drops before the answer arrives.
    const flaky: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname === '/execute') keys.push(request.headers.get('idempotency-key') ?? '');
      const response = await fetch(request);
      if (new URL(request.url).pathname === '/execute' && lost++ === 0) throw new TypeError('socket hang up');
      return response;
    };
    const before = await wallet();
    const paid = await createFrameOSClient({ baseUrl, apiKey: agent.agentKey, fetch: flaky, retryDelayMs: 1 }).pay({ ...order, policy_id: agent.policyId });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    expect(paid.payment.status).toBe('settled');
    expect(await wallet()).toBe(before - 1_999);
    const payments = await t.request('GET', `/payments?limit=100`, { token: org.orgKey });
    expect(payments.body.data.filter((p: { mandate_id: string }) => p.mandate_id === paid.mandate.mandate_id)).toHaveLength(1);
  });

  it('retries reads on 5xx, never a PATCH, and gives up with a NetworkError when the server is gone', async () => {
    const calls: string[] = [];
    const failing: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      calls.push(request.method);
      return new Response(JSON.stringify({ error: { code: 'internal_error', message: 'try again' } }), { status: 503, headers: { 'content-type': 'application/json' } });
    };
    const frameos = createFrameOSClient({ baseUrl, apiKey: org.orgKey, fetch: failing, retries: 2, retryDelayMs: 1 });
    await expect(unwrap(frameos.api.GET('/payments', {}))).rejects.toMatchObject({ status: 503, code: 'internal_error' });
    expect(calls).toEqual(['GET', 'GET', 'GET']);
    calls.length = 0;
    await expect(unwrap(frameos.api.PATCH('/policies/{id}', { params: { path: { id: agent.policyId } }, body: { per_tx_cap: 10 } }))).rejects.toMatchObject({ status: 503 });
    expect(calls).toEqual(['PATCH']);

    const gone = createFrameOSClient({ baseUrl: 'http://127.0.0.1:9', apiKey: org.orgKey, retries: 1, retryDelayMs: 1 });
    await expect(unwrap(gone.api.GET('/payments', {}))).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('@frameos/client offline checks', () => {
  const t = useTestApp();
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  it('verifies a mandate and a receipt chain with the JWKS alone, and spots a forged amount or signature', async () => {
    const org = await signupOrg(t);
    const agent = await setupAgent(t, org);
    const frameos = createFrameOSClient({ baseUrl, apiKey: agent.agentKey });
    const first = await frameos.pay({ vendor: 'acme_api', amount: 700, currency: 'INR', policy_id: agent.policyId });
    await frameos.pay({ vendor: 'acme_api', amount: 800, currency: 'INR', policy_id: agent.policyId });
    const jwks = await unwrap(frameos.api.GET('/.well-known/jwks.json', {}));

    const claims = await verifyMandate(first.mandate.mandate, jwks);
    expect(claims).toMatchObject({ mandate_id: first.mandate.mandate_id, agent_account_id: agent.agentId, vendor: 'acme_api', amount: 700, currency: 'INR' });
    await expect(verifyMandate(first.mandate.mandate, { keys: [] })).rejects.toMatchObject({ code: 'mandate_invalid' });
    await expect(verifyMandate(first.mandate.mandate, jwks, new Date(Date.now() + 24 * 3600_000))).rejects.toMatchObject({ code: 'mandate_expired' });

    const list = await unwrap(frameos.api.GET('/receipts', { params: { query: { agent_account_id: agent.agentId, limit: 100 } } }));
    const receipts = list.data as Record<string, unknown>[];
    const server = await unwrap(frameos.api.GET('/receipts/verify', { params: { query: { agent_account_id: agent.agentId } } }));
    expect(verifyReceiptChain(receipts, jwks)).toEqual({ valid: true, length: server.length, head_hash: server.head_hash, first_invalid_seq: null });

    const forged = receipts.map((r) => (r.seq === 2 ? { ...r, amount: 1 } : r));
    expect(verifyReceiptChain(forged, jwks)).toMatchObject({ valid: false, first_invalid_seq: 2 });
    // Rehashed after the forgery: the links and hash hold, the signature does not.
    const { receiptHash } = await import('@frameos/domain');
    const rehashed = receipts.map((r) => (r.seq === receipts.length ? { ...r, amount: 1, hash: receiptHash({ ...r, amount: 1 }) } : r));
    expect(verifyReceiptChain(rehashed, jwks)).toMatchObject({ valid: false, first_invalid_seq: receipts.length });
    expect(verifyReceiptChain(receipts, { keys: [] })).toMatchObject({ valid: false, first_invalid_seq: 1 });
  });
});
