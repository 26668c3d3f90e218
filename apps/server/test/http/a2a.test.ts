import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import canonicalize from 'canonicalize';
import { base64url, createLocalJWKSet, flattenedVerify, type JWK } from 'jose';
import { AGENT_CARD_PATH, AgentCard, canonicalizeAgentCard, SendMessageRequest, TaskState, verifyAgentCardSignature, type Task } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';
import { JsonRpcTransportError } from '@a2a-js/sdk/errors';
import type { Sandbox } from '@frameos/sandbox';
import { A2A_PRICING_EXTENSION_URI, verifyAgentCard } from '@frameos/domain';
import type { ExecutionWorker } from '../../src/modules/executions/execution-runner.ts';
import { useTestApp } from '../support/test-app.ts';
import { agentSource, deploy, developer, expectExecutionHoldResolved, marketplaceEnv, newSandbox, payer, platformAdminToken, publishAgent, testWorker, walletBalance, type PayerFixture } from '../support/marketplace-kit.ts';

/**
 * A2A (docs/a2a.md) against a live server on a socket with a running worker and the real sandbox,
 * driven by @a2a-js/sdk's own client: the card (schema, signature), message → task → result, paid
 * once; cancel, approval, refusals, and the JSON-RPC errors of the endpoint.
 */
const cardSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/a2a-agent-card.schema.json'), 'utf8')) as object;

describe('A2A for marketplace agents', () => {
  const t = useTestApp({ env: marketplaceEnv });
  const HELLO = 'agt_hello_a2a';
  const SLOW = 'agt_slow_a2a';
  let baseUrl: string;
  let sandbox: Sandbox;
  let worker: ExecutionWorker;
  let admin: string;

  /** The SDK's client for an agent, resolving its card at <base>/a2a/agents/<id>/.well-known/agent-card.json, authenticated with `key`. */
  async function a2aClient(agentId: string, key: string): Promise<Client> {
    const fetchImpl: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${key}`);
      return fetch(input, { ...init, headers });
    };
    const factory = new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl })],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
    }));
    return factory.createFromUrl(`${baseUrl}/a2a/agents/${agentId}/`);
  }

  const message = (data: Record<string, unknown>, extra: { metadata?: Record<string, unknown>; returnImmediately?: boolean; messageId?: string } = {}) => SendMessageRequest.fromJSON({
    message: { messageId: extra.messageId ?? randomUUID(), role: 'ROLE_USER', parts: [{ data, mediaType: 'application/json' }], ...(extra.metadata ? { metadata: extra.metadata } : {}) },
    configuration: { returnImmediately: extra.returnImmediately ?? false },
  });

  async function rpc(agentId: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${baseUrl}/a2a/agents/${agentId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'a2a-version': '1.0', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { jsonrpc: string; id: unknown; result?: Record<string, unknown>; error?: { code: number; message: string; data?: Array<Record<string, unknown>> } } };
  }

  async function taskUntilSettled(client: Client, id: string): Promise<Task> {
    for (let i = 0; i < 200; i++) {
      const task = await client.getTask({ tenant: '', id, historyLength: undefined });
      if (![TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING].includes(task.status!.state)) return task;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`task ${id} did not settle`);
  }

  /** What the SDK client threw for a JSON-RPC error: its code, message and first ErrorInfo (a code the SDK knows is a semantic error class carrying the envelope's code and data). */
  type Info = { reason?: string; domain?: string; metadata?: Record<string, string> };
  const refusalOf = (error: unknown) => {
    expect(error).toBeInstanceOf(Error);
    const e = error as Error & { envelopeCode?: number; data?: Info[]; errorResponse?: { error: { code: number; message: string; data?: Info[] } } };
    if (e instanceof JsonRpcTransportError) return { code: e.errorResponse.error.code, message: e.errorResponse.error.message, info: e.errorResponse.error.data?.[0] };
    return { code: e.envelopeCode, message: e.message, info: e.data?.[0] };
  };

  beforeAll(async () => {
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    sandbox = newSandbox();
    worker = testWorker(t, sandbox);
    worker.start();
    const dev = await developer(t);
    admin = await platformAdminToken(t);
    await publishAgent(t, dev, admin, agentSource('hello-world'), { id: HELLO, metadata: { category: 'productivity', tags: ['demo', 'greeting'], homepage: 'https://example.com/hello' } });
    await publishAgent(t, dev, admin, agentSource('timeout'), { id: SLOW });
  });

  afterAll(async () => {
    await worker.stop();
    await sandbox.close();
  });

  describe('the Agent Card', () => {
    let card: Record<string, unknown> & AgentCard;

    beforeAll(async () => {
      const res = await fetch(`${baseUrl}/a2a/agents/${HELLO}/${AGENT_CARD_PATH}`);
      expect(res.status).toBe(200);
      card = (await res.json()) as typeof card;
    });

    it('is public and valid against the A2A v1.0 AgentCard schema', () => {
      const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(cardSchema);
      expect(validate(card), JSON.stringify(validate.errors)).toBe(true);
      // Only fields of the v1.0 schema with non-default values: the SDK's ProtoJSON round trip keeps all of it.
      const { signatures: _signatures, ...unsigned } = card;
      expect(canonicalizeAgentCard(card)).toBe(canonicalize(unsigned));
    });

    it('describes the agent: skill from the manifest, JSON-RPC interface, bearer agent keys, the price', () => {
      expect(card).toMatchObject({
        name: 'Hello World',
        description: 'Greets someone by name.',
        version: '1.0.0',
        supportedInterfaces: [{ url: `${baseUrl}/a2a/agents/${HELLO}`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
        provider: { organization: 'FrameOS Demo', url: 'https://example.com/hello' },
        capabilities: { streaming: false, pushNotifications: false },
        defaultInputModes: ['application/json', 'text/plain'],
        defaultOutputModes: ['application/json'],
        securitySchemes: { bearer: { httpAuthSecurityScheme: { scheme: 'Bearer', description: expect.stringContaining('fos_agent_') } } },
      });
      expect(card.skills).toEqual([{
        id: HELLO,
        name: 'Hello World',
        description: 'Greets someone by name.',
        tags: ['productivity', 'demo', 'greeting'],
        examples: ['{"name":"Who to greet"}'],
        inputModes: ['application/json', 'text/plain'],
        outputModes: ['application/json'],
      }]);
      expect(card.capabilities?.extensions).toEqual([{
        uri: A2A_PRICING_EXTENSION_URI,
        description: expect.any(String),
        params: { skills: [{ skill_id: HELLO, model: 'per_execution', amount: 100, currency: 'USD' }] },
      }]);
    });

    it('is signed with the platform key published in /.well-known/jwks.json; a tampered card does not verify', async () => {
      const jwks = (await (await fetch(`${baseUrl}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
      const [signature] = card.signatures as Array<{ protected: string; signature: string }>;
      const header = JSON.parse(Buffer.from(signature!.protected, 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(header).toEqual({ alg: 'EdDSA', typ: 'JOSE', kid: t.appCtx.signingKey.kid, jku: `${baseUrl}/.well-known/jwks.json` });
      const verify = (c: Record<string, unknown>) => {
        const { signatures: _s, ...content } = c;
        return flattenedVerify({ ...signature!, payload: base64url.encode(canonicalize(content)!) }, createLocalJWKSet(jwks));
      };
      await expect(verify(card)).resolves.toBeDefined();
      const tampered = structuredClone(card);
      (tampered.capabilities!.extensions![0]!.params as { skills: Array<{ amount: number }> }).skills[0]!.amount = 1;
      await expect(verify(tampered)).rejects.toThrow();
      expect(await verifyAgentCard(card, jwks.keys)).toBe(true);
      expect(await verifyAgentCard(tampered, jwks.keys)).toBe(false);

      // The SDK's own verifier agrees, with the key found by kid in the JWKS.
      const byKid = async (kid: string) => jwks.keys.find((k) => k.kid === kid)!;
      await expect(verifyAgentCardSignature(byKid)(card)).resolves.toBeUndefined();
      // The SDK logs each signature it fails to verify; that line is expected here, not printed.
      const quiet = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
      try {
        await expect(verifyAgentCardSignature(byKid)(tampered)).rejects.toThrow();
      } finally {
        quiet.mockRestore();
      }
      // The client holds the card parsed (oneofs as {$case, value}); verify its ProtoJSON form (docs/a2a.md).
      const client = await a2aClient(HELLO, 'unused');
      await expect(client.getAgentCard(undefined, (c) => verifyAgentCardSignature(byKid)(AgentCard.toJSON(c) as AgentCard))).resolves.toMatchObject({ name: 'Hello World' });
    });

    it('is 404 not_found for an unknown, unapproved or suspended agent', async () => {
      const dev = await developer(t, 'Pending Works');
      const manifest = { ...agentSource('hello-world').manifest, id: 'agt_pending_a2a', author: { ...agentSource('hello-world').manifest.author, developer_id: dev.developerId } };
      expect((await t.request('POST', '/agents/register', { token: dev.org.orgKey, body: { manifest, code: agentSource('hello-world').code } })).status).toBe(201);
      const suspended = await publishAgent(t, dev, admin, agentSource('hello-world'), { id: 'agt_suspended_a2a' });
      expect((await t.request('POST', `/admin/agents/${suspended}/suspend`, { token: admin, body: { reason: 'test' } })).status).toBe(200);
      for (const id of ['agt_nope_a2a', 'agt_pending_a2a', suspended]) {
        const res = await t.request('GET', `/a2a/agents/${id}/.well-known/agent-card.json`);
        expect({ id, status: res.status, code: res.body?.error?.code }).toEqual({ id, status: 404, code: 'not_found' });
      }
    });
  });

  describe('message → task → result with the SDK client', () => {
    it('runs the agent under the caller\'s deployment, answers the completed task with the outputs, and is paid exactly once', async () => {
      const buyer = await payer(t, [HELLO]);
      const deployment = await deploy(t, buyer, HELLO);
      const client = await a2aClient(HELLO, buyer.agentKey);
      const request = message({ name: 'Ada' }, { returnImmediately: true });
      const sent = (await client.sendMessage(request)) as Task;
      expect(sent.id).toMatch(/^exe_/);
      expect(sent.contextId).toBe(deployment);
      expect([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING, TaskState.TASK_STATE_COMPLETED]).toContain(sent.status!.state);

      const done = await taskUntilSettled(client, sent.id);
      expect(done.status!.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(done.artifacts).toHaveLength(1);
      expect(done.artifacts[0]!.parts[0]!.content).toEqual({ $case: 'data', value: { greeting: 'Hello, Ada' } });
      expect(done.metadata?.frameos).toMatchObject({ execution_id: sent.id, status: 'succeeded', cost: { amount: 100, currency: 'USD' }, payment_id: expect.stringMatching(/^pay_/) });

      // The same message again (a retry) is the same task: nothing runs or is paid twice.
      const again = (await client.sendMessage(request)) as Task;
      expect(again.id).toBe(sent.id);
      expect(await walletBalance(t, buyer)).toBe(10_000 - 100);
      await expectExecutionHoldResolved(t, String(done.metadata?.frameos.payment_id));
      const execution = await t.request('GET', `/executions/${sent.id}`, { token: buyer.agentKey });
      expect(execution.body).toMatchObject({ status: 'succeeded', deployment_id: deployment, outputs: { greeting: 'Hello, Ada' } });
    });

    it('waits for the end by default (blocking), with the inputs in a text part holding JSON', async () => {
      const buyer = await payer(t, [HELLO]);
      await deploy(t, buyer, HELLO);
      const client = await a2aClient(HELLO, buyer.agentKey);
      const done = (await client.sendMessage(SendMessageRequest.fromJSON({
        message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ text: '{"name":"Grace"}' }] },
      }))) as Task;
      expect(done.status!.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(done.artifacts[0]!.parts[0]!.content).toEqual({ $case: 'data', value: { greeting: 'Hello, Grace' } });
    });

    it('names the deployment in message.metadata.deployment_id when the caller has several', async () => {
      const buyer = await payer(t, [HELLO]);
      await deploy(t, buyer, HELLO);
      const second = await deploy(t, buyer, HELLO);
      const client = await a2aClient(HELLO, buyer.agentKey);
      const ambiguous = await client.sendMessage(message({ name: 'x' })).catch((e: unknown) => e);
      expect(refusalOf(ambiguous)).toMatchObject({ code: -32602, message: expect.stringContaining('Several active deployments') });
      const done = (await client.sendMessage(message({ name: 'Two' }, { metadata: { deployment_id: second } }))) as Task;
      expect(done).toMatchObject({ contextId: second, status: { state: TaskState.TASK_STATE_COMPLETED } });
    });

    it('CancelTask aborts the run: canceled, the hold released, nothing charged', async () => {
      const buyer = await payer(t, [SLOW]);
      await deploy(t, buyer, SLOW);
      const client = await a2aClient(SLOW, buyer.agentKey);
      const sent = (await client.sendMessage(message({ mode: 'never_settles' }, { returnImmediately: true }))) as Task;
      const canceled = await client.cancelTask({ tenant: '', id: sent.id, metadata: undefined });
      expect(canceled.status!.state).toBe(TaskState.TASK_STATE_CANCELED);
      expect((await client.getTask({ tenant: '', id: sent.id, historyLength: undefined })).status!.state).toBe(TaskState.TASK_STATE_CANCELED);
      expect(await walletBalance(t, buyer)).toBe(10_000);
      await expectExecutionHoldResolved(t, String(canceled.metadata?.frameos.payment_id));
      const again = await client.cancelTask({ tenant: '', id: sent.id, metadata: undefined }).catch((e: unknown) => e);
      expect((again as { name?: string }).name).toBe('TaskNotCancelableError');
    });

    it('a run whose payment needs a person is auth-required with the mandate id, never a silent wait', async () => {
      const careful = await payer(t, [HELLO], { policy: { approval_threshold: 50 } });
      await deploy(t, careful, HELLO);
      const client = await a2aClient(HELLO, careful.agentKey);
      const task = (await client.sendMessage(message({ name: 'Later' }))) as Task;
      expect(task.status!.state).toBe(TaskState.TASK_STATE_AUTH_REQUIRED);
      const mandateId = String(task.metadata?.frameos.mandate_id);
      expect(mandateId).toMatch(/^mdt_/);
      const text = task.status!.message!.parts[0]!.content;
      expect(text).toEqual({ $case: 'text', value: expect.stringContaining(`/mandates/${mandateId}/approve`) });
    });

    it('a policy refusal or an empty wallet is a JSON-RPC error with the FrameOS code and reason; nothing is created', async () => {
      const capped = await payer(t, [HELLO], { policy: { per_tx_cap: 50 } });
      await deploy(t, capped, HELLO);
      const refused = await (await a2aClient(HELLO, capped.agentKey)).sendMessage(message({ name: 'x' })).catch((e: unknown) => e);
      expect(refusalOf(refused)).toMatchObject({ code: -32000, info: { reason: 'POLICY_VIOLATION', domain: 'frameos.dev', metadata: { code: 'policy_violation', status: '403', reason: expect.any(String) } } });

      const poor: PayerFixture = await payer(t, [HELLO], { balance: 50 });
      await deploy(t, poor, HELLO);
      const broke = await (await a2aClient(HELLO, poor.agentKey)).sendMessage(message({ name: 'x' })).catch((e: unknown) => e);
      expect(refusalOf(broke)).toMatchObject({ code: -32000, info: { reason: 'INSUFFICIENT_FUNDS', metadata: { code: 'insufficient_funds', status: '402' } } });
      const runs = await t.request('GET', '/executions', { token: poor.agentKey });
      expect(runs.body.data).toEqual([]);
      expect(await walletBalance(t, poor)).toBe(50);

      const invalid = await (await a2aClient(HELLO, poor.agentKey)).sendMessage(message({ nom: 'x' })).catch((e: unknown) => e);
      expect(refusalOf(invalid)).toMatchObject({ code: -32602, info: { reason: 'INVALID_INPUTS' } });
    });
  });

  describe('the JSON-RPC endpoint', () => {
    let buyer: PayerFixture;
    beforeAll(async () => {
      buyer = await payer(t, [HELLO]);
      await deploy(t, buyer, HELLO);
    });
    const auth = () => ({ authorization: `Bearer ${buyer.agentKey}` });

    it('needs a valid key: 401 unauthorized without one', async () => {
      const res = await rpc(HELLO, { jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'exe_x' } });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'unauthorized' } });
      expect((await rpc(HELLO, { jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'exe_x' } }, { authorization: 'Bearer fos_agent_wrong' })).status).toBe(401);
    });

    it('answers malformed requests with JSON-RPC errors (HTTP 200), never a 500', async () => {
      const cases: Array<[unknown, number, unknown]> = [
        ['{"jsonrpc": "2.0", "method": ', -32700, null],
        ['', -32700, null],
        [[{ jsonrpc: '2.0', id: 1, method: 'GetTask' }], -32600, null],
        [{ jsonrpc: '1.0', id: 7, method: 'GetTask' }, -32600, 7],
        [{ jsonrpc: '2.0', id: 2, method: 'message/send', params: {} }, -32601, 2],
        [{ jsonrpc: '2.0', id: 3, method: 'SendMessage', params: { message: { role: 'ROLE_USER' } } }, -32602, 3],
        [{ jsonrpc: '2.0', id: 4, method: 'SendMessage', params: { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ text: 'hello' }] } } }, -32602, 4],
        [{ jsonrpc: '2.0', id: 5, method: 'SendMessage', params: { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ url: 'https://example.com/f.pdf' }] } } }, -32005, 5],
        [{ jsonrpc: '2.0', id: 6, method: 'SendMessage', params: { message: { messageId: 'm', role: 'ROLE_USER', parts: [{ data: { name: 'a\u0000b' } }] } } }, -32602, 6],
        [{ jsonrpc: '2.0', id: 8, method: 'GetTask', params: { id: 'exe_01J00000000000000000000000' } }, -32001, 8],
        [{ jsonrpc: '2.0', id: 9, method: 'GetTask', params: 'exe_1' }, -32602, 9],
        [{ jsonrpc: '2.0', id: 10, method: 'SendStreamingMessage', params: {} }, -32004, 10],
        [{ jsonrpc: '2.0', id: 11, method: 'CreateTaskPushNotificationConfig', params: {} }, -32003, 11],
        [{ jsonrpc: '2.0', id: 12, method: 'GetExtendedAgentCard', params: {} }, -32007, 12],
      ];
      for (const [body, code, id] of cases) {
        const res = await rpc(HELLO, body, auth());
        expect({ body, status: res.status, jsonrpc: res.body.jsonrpc, id: res.body.id, code: res.body.error?.code }).toEqual({ body, status: 200, jsonrpc: '2.0', id, code });
        expect(res.body.error?.message).toEqual(expect.any(String));
      }
    });

    it('refuses another A2A version with VersionNotSupported', async () => {
      const res = await rpc(HELLO, { jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'exe_x' } }, { ...auth(), 'a2a-version': '0.3' });
      expect(res.body.error?.code).toBe(-32009);
    });

    it('another organization\'s task, or a task of another agent, is not found', async () => {
      const client = await a2aClient(HELLO, buyer.agentKey);
      const task = (await client.sendMessage(message({ name: 'Mine' }))) as Task;
      const stranger = await payer(t, [HELLO]);
      const res = await rpc(HELLO, { jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: task.id } }, { authorization: `Bearer ${stranger.agentKey}` });
      expect(res.body.error?.code).toBe(-32001);
      const elsewhere = await rpc(SLOW, { jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: task.id } }, auth());
      expect(elsewhere.body.error?.code).toBe(-32001);
      const noDeployment = await rpc(HELLO, { jsonrpc: '2.0', id: 2, method: 'SendMessage', params: { message: { messageId: randomUUID(), role: 'ROLE_USER', parts: [{ data: { name: 'x' } }] } } }, { authorization: `Bearer ${stranger.agentKey}` });
      expect(noDeployment.body.error).toMatchObject({ code: -32602, message: expect.stringContaining('No active deployment') });
    });
  });
});
