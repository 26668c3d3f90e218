import { createHash, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import canonicalize from 'canonicalize';
import { claimIdempotencyKey } from '../../src/modules/idempotency/idempotency.repo.ts';
import { useTestApp, testClock } from '../support/test-app.ts';
import { agentKeyId, createIntent, loginToken, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectPolicyViolation } from '../support/assertions.ts';

const HOUR = 3_600_000;
const intentBody = (amount = 1_000) => ({ vendor: 'acme_api', amount, currency: 'INR' });

describe('idempotency', () => {
  const clock = testClock(new Date('2025-06-02T06:00:00Z'));
  const t = useTestApp({ clock });
  let org: OrgFixture;
  let agent: AgentFixture;

  const intentCount = async () => (await t.request('GET', '/purchase-intents?limit=100', { token: org.orgKey })).body.data.length as number;

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org);
  });

  describe('the Idempotency-Key header', () => {
    it.each([
      ['/purchase-intents', () => intentBody()],
      ['/vendors', () => ({ vendor_id: 'no_key', name: 'No key', rail: 'ledger' })],
      ['/execute', () => ({ mandate_id: `mdt_${'0'.repeat(26)}` })],
    ])('is required on POST %s: 400 idempotency_key_missing', async (url, body) => {
      const token = url === '/vendors' ? org.orgKey : agent.agentKey;
      expectError(await t.request('POST', url, { token, body: body(), idempotencyKey: null }), 400, 'idempotency_key_missing');
    });

    it('is required on approve and reject, which have no body', async () => {
      const session = await loginToken(t, org.email, org.password);
      for (const decision of ['approve', 'reject']) {
        expectError(await t.request('POST', `/mandates/mdt_${'0'.repeat(26)}/${decision}`, { token: session, idempotencyKey: null }), 400, 'idempotency_key_missing');
      }
    });

    it('is not needed for signup and login', async () => {
      const email = `idem-${randomUUID()}@example.com`;
      const password = 'correct horse battery staple';
      expect((await t.request('POST', '/auth/signup', { idempotencyKey: null, body: { email, password, org_name: 'No key' } })).status).toBe(201);
      expect((await t.request('POST', '/auth/login', { idempotencyKey: null, body: { email, password } })).status).toBe(200);
    });

    it('is not needed on GET', async () => {
      expect((await t.request('GET', '/purchase-intents', { token: agent.agentKey, idempotencyKey: null })).status).toBe(200);
    });

    it('answers 400 for a key longer than 255 characters', async () => {
      expectError(await createIntentWithKey('k'.repeat(256)), 400, 'validation_error');
    });
  });

  const createIntentWithKey = (key: string, body: Record<string, unknown> = intentBody(), token = agent.agentKey) =>
    t.request('POST', '/purchase-intents', { token, idempotencyKey: key, body });

  describe('replays', () => {
    it('answers the same key and body with the stored status and byte-identical body, marked Idempotent-Replayed, and creates nothing new', async () => {
      const before = await intentCount();
      const first = await createIntentWithKey('replay-1');
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();

      const again = await createIntentWithKey('replay-1');
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(first.text);
      expect(await intentCount()).toBe(before + 1);
    });

    it('treats the same JSON with its keys in another order as the same body', async () => {
      const first = await createIntentWithKey('reordered', { vendor: 'acme_api', amount: 1_234, currency: 'INR' });
      const again = await createIntentWithKey('reordered', { currency: 'INR', amount: 1_234, vendor: 'acme_api' });
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.text).toBe(first.text);
    });

    it('replays a stored 4xx too: a policy violation stays refused under its key even after the policy allows it', async () => {
      const intent = await createIntent(t, agent, { amount: 60_000 });
      const body = { intent_id: intent.body.id, policy_id: agent.policyId };
      const refused = await t.request('POST', '/mandates', { token: agent.agentKey, idempotencyKey: 'over-cap', body });
      expectPolicyViolation(refused, 'amount_over_cap');

      expect((await t.request('PATCH', `/policies/${agent.policyId}`, { token: org.orgKey, body: { per_tx_cap: 100_000 } })).status).toBe(200);
      const replayed = await t.request('POST', '/mandates', { token: agent.agentKey, idempotencyKey: 'over-cap', body });
      expect(replayed.status).toBe(403);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.text).toBe(refused.text);

      const fresh = await t.request('POST', '/mandates', { token: agent.agentKey, idempotencyKey: 'over-cap-retry', body });
      expect(fresh.status, fresh.text).toBe(201);
    });

    it('stores nothing for a request refused by validation, so the key can then be used with a valid body', async () => {
      const invalid = await createIntentWithKey('after-400', { ...intentBody(), amount: -5 });
      expect(invalid.status).toBe(400);
      const valid = await createIntentWithKey('after-400');
      expect(valid.status).toBe(201);
      expect(valid.headers['idempotent-replayed']).toBeUndefined();
    });

    it('replays an execute: the second call returns the same payment and no second payment exists', async () => {
      const intent = await createIntent(t, agent, { amount: 700 });
      const mandate = await t.request('POST', '/mandates', { token: agent.agentKey, body: { intent_id: intent.body.id, policy_id: agent.policyId } });
      const first = await t.request('POST', '/execute', { token: agent.agentKey, idempotencyKey: 'pay-once', body: { mandate_id: mandate.body.id } });
      const again = await t.request('POST', '/execute', { token: agent.agentKey, idempotencyKey: 'pay-once', body: { mandate_id: mandate.body.id } });
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.text).toBe(first.text);
      const payments = await t.request('GET', '/payments?limit=100', { token: org.orgKey });
      expect(payments.body.data.filter((p: { mandate_id: string }) => p.mandate_id === mandate.body.id)).toHaveLength(1);
    });
  });

  describe('reuse', () => {
    it('answers 422 idempotency_key_reused for the same key with a different body, and creates nothing', async () => {
      expect((await createIntentWithKey('reuse-1', intentBody(100))).status).toBe(201);
      const before = await intentCount();
      expectError(await createIntentWithKey('reuse-1', intentBody(101)), 422, 'idempotency_key_reused');
      expect(await intentCount()).toBe(before);
    });

    it('answers 422 for the same key on another endpoint', async () => {
      const intent = await createIntentWithKey('reuse-2');
      expect(intent.status).toBe(201);
      const res = await t.request('POST', '/mandates', { token: agent.agentKey, idempotencyKey: 'reuse-2', body: { intent_id: intent.body.id, policy_id: agent.policyId } });
      expectError(res, 422, 'idempotency_key_reused');
      expect((await t.request('GET', `/purchase-intents/${intent.body.id}`, { token: agent.agentKey })).body.status).toBe('requires_mandate');
    });

    it('scopes keys per principal: two keys may use the same Idempotency-Key independently', async () => {
      const other = await setupAgent(t, org);
      const otherOrg = await signupOrg(t, 'Other');
      const otherOrgAgent = await setupAgent(t, otherOrg);
      const mine = await createIntentWithKey('shared-key', intentBody(300));
      const theirs = await createIntentWithKey('shared-key', intentBody(300), other.agentKey);
      const foreign = await createIntentWithKey('shared-key', intentBody(999), otherOrgAgent.agentKey);
      for (const res of [mine, theirs, foreign]) {
        expect(res.status, res.text).toBe(201);
        expect(res.headers['idempotent-replayed']).toBeUndefined();
      }
      expect(new Set([mine.body.id, theirs.body.id, foreign.body.id]).size).toBe(3);
      expect(theirs.body.agent_account_id).toBe(other.agentId);
    });

    it('lets a key be used with a new body once its 24 h have passed, and not before', async () => {
      const first = await createIntentWithKey('day-old', intentBody(400));
      expect(first.status).toBe(201);
      clock.advance(24 * HOUR - 1000);
      expectError(await createIntentWithKey('day-old', intentBody(401)), 422, 'idempotency_key_reused');
      clock.advance(1000);
      const later = await createIntentWithKey('day-old', intentBody(401));
      expect(later.status, later.text).toBe(201);
      expect(later.headers['idempotent-replayed']).toBeUndefined();
      expect(later.body.id).not.toBe(first.body.id);
      expect(later.body.amount).toBe(401);
    });
  });

  describe('a key still in flight', () => {
    /** What the idempotency plugin stores while the first request runs: the agent key's scope and the request's hash. */
    const holdInFlight = async (key: string, body: Record<string, unknown>) => {
      const scope = `key:${await agentKeyId(t, org, agent.agentId)}`;
      const hash = createHash('sha256').update(`POST /purchase-intents\n${canonicalize(body)}`).digest('hex');
      const outcome = await claimIdempotencyKey(t.appCtx.database.db, scope, key, hash, clock.now());
      expect(outcome.kind).toBe('claimed');
    };

    it('answers 409 idempotency_key_in_use for the same request, and 422 for a different one', async () => {
      await holdInFlight('in-flight', intentBody(500));
      const before = await intentCount();
      expectError(await createIntentWithKey('in-flight', intentBody(500)), 409, 'idempotency_key_in_use');
      expectError(await createIntentWithKey('in-flight', intentBody(501)), 422, 'idempotency_key_reused');
      expect(await intentCount()).toBe(before);
    });

    it('lets a retry take the key over once the first request’s lease has lapsed (its process died)', async () => {
      await holdInFlight('abandoned', intentBody(600));
      expectError(await createIntentWithKey('abandoned', intentBody(600)), 409, 'idempotency_key_in_use');
      clock.advance(61_000);
      const retried = await createIntentWithKey('abandoned', intentBody(600));
      expect(retried.status, retried.text).toBe(201);
      const replay = await createIntentWithKey('abandoned', intentBody(600));
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.text).toBe(retried.text);
    });
  });
});
