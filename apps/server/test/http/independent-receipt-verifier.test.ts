import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fetchReceiptChain,
  receiptHash,
  verifyAgentChain,
  verifyReceiptChain,
  type FetchLike,
  type Jwks,
  type Receipt,
} from '../../../../examples/verify-receipts.mjs';
import { useTestApp, type TestApp } from '../support/test-app.ts';
import { issueMandate, setupAgent, signupOrg, type AgentFixture, type OrgFixture } from '../support/fixtures.ts';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/verify-receipts.mjs', import.meta.url));
const RECEIPTS_DOC = fileURLToPath(new URL('../../../../docs/receipts.md', import.meta.url));
const run = promisify(execFile);

/** The JSON code block that follows `<!-- marker -->` in docs/receipts.md. */
function docExample(marker: string): unknown {
  const match = new RegExp(`<!-- ${marker} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(readFileSync(RECEIPTS_DOC, 'utf8'));
  if (!match) throw new Error(`docs/receipts.md has no ${marker} block`);
  return JSON.parse(match[1]!);
}

/** The example's fetch, served by the in-process app instead of the network. */
function fetchVia(t: TestApp): FetchLike {
  return async (url, init) => {
    const { pathname, search } = new URL(url);
    const res = await t.request('GET', pathname + search, { headers: init.headers });
    return { ok: res.status >= 200 && res.status < 300, status: res.status, json: async () => JSON.parse(res.text) };
  };
}

async function pay(t: TestApp, agent: AgentFixture, amount: number) {
  const mandate = await issueMandate(t, agent, { amount });
  expect(mandate.status).toBe(201);
  const executed = await t.request('POST', '/execute', { token: agent.agentKey, body: { mandate_id: mandate.body.mandate_id } });
  expect(executed.status).toBe(200);
  return executed.body;
}

/** Runs the example as a user would, against a listening server. */
async function runExample(args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [EXAMPLE, ...args]);
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe('an independent receipt verifier (examples/verify-receipts.mjs)', () => {
  const t = useTestApp();
  let org: OrgFixture;
  let agent: AgentFixture;
  let receipts: Receipt[];
  let jwks: Jwks;

  beforeAll(async () => {
    org = await signupOrg(t);
    agent = await setupAgent(t, org);
    const other = await setupAgent(t, org);
    for (const amount of [1_000, 2_000, 3_000]) await pay(t, agent, amount);
    await pay(t, other, 500);
    ({ receipts, jwks } = await fetchReceiptChain({ baseUrl: 'http://frameos.test', token: org.orgKey, agentAccountId: agent.agentId, fetchFn: fetchVia(t) }));
  });

  const tampered = (edit: (copy: Receipt[]) => void): Receipt[] => {
    const copy = structuredClone(receipts);
    edit(copy);
    return copy;
  };

  it('verifies a chain built through the API, page by page, and agrees with GET /receipts/verify', async () => {
    const verdict = await verifyAgentChain({ baseUrl: 'http://frameos.test/', token: agent.agentKey, agentAccountId: agent.agentId, fetchFn: fetchVia(t), pageLimit: 2 });

    expect(verdict).toMatchObject({ valid: true, length: 3, verified_length: 3, first_invalid_seq: null, reason: null });
    expect(verdict.server).toMatchObject({ valid: true, length: 3, head_hash: verdict.head_hash });
    expect(receipts.map((r) => [r.seq, r.amount])).toEqual([[1, 1_000], [2, 2_000], [3, 3_000]]);
  });

  it('recomputes the same hash as the server from the receipt JSON alone', () => {
    for (const receipt of receipts) expect(receiptHash(receipt)).toBe(receipt.hash);
  });

  it('checks each signature with the JWKS key through createPublicKey({ key: jwk, format: "jwk" })', () => {
    const receipt = receipts[0]!;
    const jwk = jwks.keys.find((k) => k.kid === receipt.signing_kid);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    const key = createPublicKey({ key: jwk as never, format: 'jwk' });
    expect(verify(null, Buffer.from(receipt.hash, 'ascii'), key, Buffer.from(receipt.signature, 'base64url'))).toBe(true);
  });

  it('finds a middle receipt whose amount was changed, at its seq', () => {
    const chain = tampered((c) => (c[1]!.amount = 2_001));

    expect(verifyReceiptChain(chain, jwks)).toMatchObject({ valid: false, first_invalid_seq: 2, reason: 'hash_mismatch', verified_length: 1, head_hash: null });
  });

  it('finds a changed receipt even when its hash was recomputed: the signature no longer verifies', () => {
    const chain = tampered((c) => {
      c[1]!.amount = 2_001;
      c[1]!.hash = receiptHash(c[1]!);
    });

    expect(verifyReceiptChain(chain, jwks)).toMatchObject({ valid: false, first_invalid_seq: 2, reason: 'bad_signature' });
  });

  it('finds a forged signature made with a key the JWKS does not hold', () => {
    const forger = generateKeyPairSync('ed25519').privateKey;
    const chain = tampered((c) => (c[1]!.signature = sign(null, Buffer.from(c[1]!.hash, 'ascii'), forger).toString('base64url')));

    expect(verifyReceiptChain(chain, jwks)).toMatchObject({ valid: false, first_invalid_seq: 2, reason: 'bad_signature' });
  });

  it('finds a genuine signature copied from another receipt', () => {
    const chain = tampered((c) => (c[2]!.signature = c[0]!.signature));

    expect(verifyReceiptChain(chain, jwks)).toMatchObject({ valid: false, first_invalid_seq: 3, reason: 'bad_signature' });
  });

  it('refuses receipts signed by a key that is not published', () => {
    expect(verifyReceiptChain(receipts, { keys: [] })).toMatchObject({ valid: false, first_invalid_seq: 1, reason: 'unknown_signing_kid' });
  });

  it('reports a removed receipt at the missing seq', () => {
    const chain = tampered((c) => c.splice(1, 1));

    expect(verifyReceiptChain(chain, jwks)).toMatchObject({ valid: false, first_invalid_seq: 2, reason: 'seq_gap' });
  });

  it('reports a chain cut short against a head recorded earlier', () => {
    const head = { seq: 3, hash: receipts[2]!.hash };

    expect(verifyReceiptChain(receipts.slice(0, 2), jwks, { expectedHeads: [head] })).toMatchObject({ valid: false, first_invalid_seq: 3, reason: 'chain_shorter_than_expected' });
    expect(verifyReceiptChain(receipts, jwks, { expectedHeads: [{ seq: 2, hash: receipts[0]!.hash }] })).toMatchObject({ valid: false, first_invalid_seq: 2, reason: 'head_mismatch' });
    expect(verifyReceiptChain(receipts, jwks, { expectedHeads: [head] }).valid).toBe(true);
  });

  it("refuses another agent account's receipt spliced into the chain", () => {
    expect(verifyReceiptChain(receipts, jwks, { agentAccountId: 'aga_00000000000000000000000000' })).toMatchObject({ valid: false, first_invalid_seq: 1, reason: 'wrong_agent_account' });
  });

  it("takes the server's word when only its chain-head record shows receipts cut off the end", async () => {
    const truncated = await setupAgent(t, org);
    for (const amount of [100, 200]) await pay(t, truncated, amount);
    await t.appCtx.database.execScript(`delete from receipts where agent_account_id = '${truncated.agentId}' and seq = 2`);

    const verdict = await verifyAgentChain({ baseUrl: 'http://frameos.test', token: org.orgKey, agentAccountId: truncated.agentId, fetchFn: fetchVia(t) });

    expect(verdict).toMatchObject({ valid: false, length: 1, first_invalid_seq: 2, reason: 'server_reports_invalid' });
  });

  it('verifies the example receipt printed in docs/receipts.md with the example JWKS', () => {
    const receipt = docExample('example-receipt') as Receipt;

    expect(verifyReceiptChain([receipt], docExample('example-jwks') as Jwks)).toMatchObject({ valid: true, head_hash: receipt.hash });
  });

  it('runs as a command: exit 0 for a valid chain, 1 with the first invalid seq', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const args = ['--base-url', address, '--token', agent.agentKey, '--agent', agent.agentId];

    const ok = await runExample(args);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`valid: 3 receipts, head seq 3 hash ${receipts[2]!.hash}`);

    const broken = await runExample([...args, '--expect-head', `2:${receipts[0]!.hash}`]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('first invalid seq 2 (head_mismatch)');

    expect((await runExample(['--base-url', address])).code).toBe(2);
  });
});
