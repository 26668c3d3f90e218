import { createHash, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { loginToken, setupAgent, signupOrg } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';
import { agentSource, developerOrg, HELLO_CODE, manifestFor, multipartBody, registerAgent, type DeveloperFixture } from '../support/registry-fixtures.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const check = (res: { body: { checks: Array<{ name: string; passed: boolean }> } }, name: string) => res.body.checks.find((c) => c.name === name);

describe('developer profiles', () => {
  const t = useTestApp();

  it('creates one profile per organization and shows it at /developers/me', async () => {
    const org = await signupOrg(t);
    expectError(await t.request('GET', '/developers/me', { token: org.orgKey }), 403, 'developer_required');
    const created = await t.request('POST', '/developers', { token: org.orgKey, body: { name: 'Agent Works', email: 'Team@Example.com' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ object: 'developer', developer_id: expect.stringMatching(/^dev_[0-9A-Z]{26}$/), name: 'Agent Works', email: 'team@example.com', created_at: expect.any(String) });
    const me = await t.request('GET', '/developers/me', { token: org.orgKey });
    expect(me.body).toEqual(created.body);
    expectError(await t.request('POST', '/developers', { token: org.orgKey, body: { name: 'Again', email: 'b@example.com' } }), 409, 'developer_exists');
  });

  it('needs an owner or admin (or the org key), and a valid body', async () => {
    const org = await signupOrg(t);
    const agent = await setupAgent(t, org);
    expectError(await t.request('POST', '/developers', { token: agent.agentKey, body: { name: 'x', email: 'a@example.com' } }), 403, 'forbidden');
    const owner = await loginToken(t, org.email, org.password);
    const email = `member-${randomUUID()}@example.com`;
    expect((await t.request('POST', '/members', { token: owner, body: { email, password: 'correct horse battery', role: 'member' } })).status).toBe(201);
    const member = await loginToken(t, email, 'correct horse battery');
    expectError(await t.request('POST', '/developers', { token: member, body: { name: 'x', email: 'a@example.com' } }), 403, 'forbidden');
    expectValidationError(await t.request('POST', '/developers', { token: owner, body: { name: 'x', email: 'nope' } }), 'body.email');
    expectError(await t.request('POST', '/developers', { token: owner, body: { name: 'x', email: 'a@example.com' }, idempotencyKey: null }), 400, 'idempotency_key_missing');
    expect((await t.request('POST', '/developers', { token: owner, body: { name: 'Owner Dev', email: 'a@example.com' } })).status).toBe(201);
  });
});

describe('publishing an agent', () => {
  const t = useTestApp();
  let dev: DeveloperFixture;
  let other: DeveloperFixture;

  beforeAll(async () => {
    [dev, other] = await Promise.all([developerOrg(t, 'Dev One'), developerOrg(t, 'Dev Two')]);
  });

  it('registers agents/hello-world by JSON: pending_review, the code content-addressed in the blob store, the checks recorded', async () => {
    const { manifest, code } = agentSource('hello-world');
    const mine = { ...manifest, id: `agt_hello_${randomUUID().slice(0, 6)}`, author: { ...(manifest.author as object), developer_id: dev.developerId } };
    const key = randomUUID();
    const res = await registerAgent(t, dev.orgKey, mine, code, key);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      object: 'agent_version',
      agent_id: mine.id,
      version: '1.0.0',
      status: 'pending_review',
      code_sha256: sha256(code),
      code_size: Buffer.byteLength(code),
      checks: expect.any(Array),
      created_at: expect.any(String),
    });
    expect(res.body.checks.map((c: { name: string }) => c.name)).toEqual([
      'size', 'parses', 'default_export', 'self_contained', 'capabilities_declared', 'capabilities_used', 'pricing_consistent', 'no_eval', 'no_function_constructor', 'no_dynamic_import',
    ]);
    expect(res.body.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);
    expect((await t.appCtx.blobs.get(res.body.code_sha256))?.toString('utf8')).toBe(code);

    const replay = await registerAgent(t, dev.orgKey, mine, code, key);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(res.text);
    expectError(await registerAgent(t, dev.orgKey, { ...mine, version: '1.0.1' }, code, key), 422, 'idempotency_key_reused');
  });

  it('registers by multipart/form-data, the code as a file or as a field', async () => {
    const asFile = manifestFor(dev.developerId);
    const file = multipartBody([{ name: 'manifest', value: JSON.stringify(asFile) }, { name: 'code', value: HELLO_CODE, filename: 'index.js' }]);
    const res = await t.request('POST', '/agents/register', { token: dev.orgKey, rawBody: file.body, headers: { 'content-type': file.contentType } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ agent_id: asFile.id, status: 'pending_review', code_sha256: sha256(HELLO_CODE) });

    const asField = manifestFor(dev.developerId);
    const field = multipartBody([{ name: 'code', value: HELLO_CODE }, { name: 'manifest', value: JSON.stringify(asField) }]);
    const key = randomUUID();
    const second = await t.request('POST', '/agents/register', { token: dev.orgKey, rawBody: field.body, headers: { 'content-type': field.contentType }, idempotencyKey: key });
    expect(second.status, second.text).toBe(201);
    const replay = await t.request('POST', '/agents/register', { token: dev.orgKey, rawBody: field.body, headers: { 'content-type': field.contentType }, idempotencyKey: key });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(second.text);
  });

  it('refuses malformed multipart uploads', async () => {
    const extra = multipartBody([{ name: 'manifest', value: JSON.stringify(manifestFor(dev.developerId)) }, { name: 'code', value: HELLO_CODE }, { name: 'readme', value: 'hi' }]);
    expectValidationError(await t.request('POST', '/agents/register', { token: dev.orgKey, rawBody: extra.body, headers: { 'content-type': extra.contentType } }), 'body.readme');
    const twice = multipartBody([{ name: 'code', value: HELLO_CODE }, { name: 'code', value: HELLO_CODE }]);
    expectValidationError(await t.request('POST', '/agents/register', { token: dev.orgKey, rawBody: twice.body, headers: { 'content-type': twice.contentType } }), 'body.code');
    const noCode = multipartBody([{ name: 'manifest', value: JSON.stringify(manifestFor(dev.developerId)) }]);
    expectValidationError(await t.request('POST', '/agents/register', { token: dev.orgKey, rawBody: noCode.body, headers: { 'content-type': noCode.contentType } }), 'body.code');
    const notJson = multipartBody([{ name: 'manifest', value: '{not json' }, { name: 'code', value: HELLO_CODE }]);
    const res = await t.request('POST', '/agents/register', { token: dev.orgKey, rawBody: notJson.body, headers: { 'content-type': notJson.contentType } });
    expectError(res, 400, 'invalid_manifest', { errors: [{ path: '', message: 'is not valid JSON' }] });
    const nul = multipartBody([{ name: 'manifest', value: JSON.stringify(manifestFor(dev.developerId)) }, { name: 'code', value: 'export default 1\u0000' }]);
    expectValidationError(await t.request('POST', '/agents/register', { token: dev.orgKey, rawBody: nul.body, headers: { 'content-type': nul.contentType } }), 'body.code');
    // Multipart is accepted by this route only.
    const elsewhere = multipartBody([{ name: 'name', value: 'x' }]);
    expectError(await t.request('POST', '/developers', { token: dev.orgKey, rawBody: elsewhere.body, headers: { 'content-type': elsewhere.contentType } }), 415, 'unsupported_media_type');
  });

  it('lists every problem of an invalid manifest with its path', async () => {
    const res = await registerAgent(t, dev.orgKey, {
      ...manifestFor(dev.developerId),
      id: 'Bad-Id',
      version: 'one',
      pricing: { model: 'per_execution', amount: 0, currency: 'EUR' },
      inputs: [{ name: 'x', type: 'date', required: true }, { name: 'x', type: 'string', required: true }],
      runtime: { language: 'nodejs', version: '20', entrypoint: 'index.js', timeout_ms: 300_001, memory_mb: 4096 },
      surprise: 1,
    });
    expectError(res, 400, 'invalid_manifest');
    expect(res.body.error.errors.map((e: { path: string }) => e.path).sort()).toEqual(
      ['id', 'version', 'pricing.amount', 'pricing.currency', 'inputs.0.type', 'inputs.1.name', 'runtime.timeout_ms', 'runtime.memory_mb', 'surprise'].sort(),
    );
    expect(res.body.error.message).toContain('9 problems');
    expectError(await registerAgent(t, dev.orgKey, 'not an object'), 400, 'invalid_manifest', { errors: [{ path: '', message: 'is not valid JSON' }] });
    expectError(await registerAgent(t, dev.orgKey, [1]), 400, 'invalid_manifest', { errors: [{ path: '', message: 'must be a JSON object' }] });
    expectError(await t.request('POST', '/agents/register', { token: dev.orgKey, body: { code: HELLO_CODE } }), 400, 'invalid_manifest', { errors: [{ path: '', message: 'is required' }] });
  });

  it('requires the caller’s own developer id in author.developer_id, even beside other problems', async () => {
    expectError(await registerAgent(t, dev.orgKey, manifestFor(other.developerId)), 400, 'invalid_manifest', {
      errors: [{ path: 'author.developer_id', message: `must be your developer id, ${dev.developerId}` }],
    });
    const both = await registerAgent(t, dev.orgKey, { ...manifestFor(other.developerId), name: 'x' });
    expect(both.body.error.errors.map((e: { path: string }) => e.path)).toEqual(['name', 'author.developer_id']);
  });

  it('refuses other runtimes; accepts browser_automation, flagging code that never uses ctx.browser', async () => {
    const python = manifestFor(dev.developerId, { runtime: { language: 'python', version: '3.12', entrypoint: 'main.py', timeout_ms: 1000, memory_mb: 64 } });
    expectError(await registerAgent(t, dev.orgKey, python), 400, 'runtime_not_supported');
    const unused = await registerAgent(t, dev.orgKey, manifestFor(dev.developerId, { capabilities: ['browser_automation'] }));
    expect(unused.status).toBe(201);
    expect(unused.body.checks).toContainEqual(expect.objectContaining({ name: 'capabilities_used', passed: false }));
  });

  it('refuses code that does not parse, has no default export, imports modules or is over 5 MiB', async () => {
    const refuse = async (code: string, checkName: string, text: string) => {
      const res = await registerAgent(t, dev.orgKey, manifestFor(dev.developerId), code);
      expectError(res, 400, 'invalid_code', { check: checkName });
      expect(res.body.error.message).toContain(text);
      return res;
    };
    await refuse('export default async function (', 'parses', 'does not parse as an ES module');
    await refuse('module.exports = async () => ({})', 'default_export', 'no default export');
    await refuse('export const handler = async () => ({})', 'default_export', 'no default export');
    await refuse('export default { run() {} }', 'default_export', 'not a function');
    const imports = await refuse("import fs from 'node:fs';\nexport default async () => ({ x: fs })", 'self_contained', 'node:fs');
    expect(imports.body.error.checks.find((c: { name: string }) => c.name === 'self_contained')).toMatchObject({ passed: false });
    await refuse("export { helper } from './helper.js';\nexport default async () => ({})", 'self_contained', './helper.js');
    await refuse("export * from 'lodash';\nexport default async () => ({})", 'self_contained', 'lodash');
    // Accepted: a default export named by a specifier, or a handler defined earlier.
    expect((await registerAgent(t, dev.orgKey, manifestFor(dev.developerId), 'const h = async () => ({ greeting: "x" });\nexport { h as default };')).status).toBe(201);
    expect((await registerAgent(t, dev.orgKey, manifestFor(dev.developerId), 'const h = async () => ({ greeting: "x" });\nexport default h;')).status).toBe(201);
    const big = `${HELLO_CODE}//${'x'.repeat(5 * 1024 * 1024)}`;
    await refuse(big, 'size', 'at most 5242880 bytes');
  });

  it('raises the body limit for this route only: above it 413, and every other route keeps 64 KiB', async () => {
    const huge = `${HELLO_CODE}//${'x'.repeat(8 * 1024 * 1024)}`;
    expectError(await registerAgent(t, dev.orgKey, manifestFor(dev.developerId), huge), 413, 'payload_too_large');
    const file = multipartBody([{ name: 'manifest', value: JSON.stringify(manifestFor(dev.developerId)) }, { name: 'code', value: huge, filename: 'index.js' }]);
    expectError(await t.request('POST', '/agents/register', { token: dev.orgKey, rawBody: file.body, headers: { 'content-type': file.contentType } }), 413, 'payload_too_large');
    const field = multipartBody([{ name: 'manifest', value: JSON.stringify(manifestFor(dev.developerId)) }, { name: 'code', value: huge }]);
    expectError(await t.request('POST', '/agents/register', { token: dev.orgKey, rawBody: field.body, headers: { 'content-type': field.contentType } }), 413, 'payload_too_large');
    expectError(await t.request('POST', '/developers', { token: dev.orgKey, body: { name: 'x'.repeat(70 * 1024), email: 'a@example.com' } }), 413, 'payload_too_large');
    // 100 KiB of code, above the app's limit, is fine here.
    const sizeable = `${HELLO_CODE}//${'x'.repeat(100 * 1024)}`;
    expect((await registerAgent(t, dev.orgKey, manifestFor(dev.developerId), sizeable)).status).toBe(201);
  });

  it('flags eval, Function, import() and manifest/code mismatches without refusing', async () => {
    const code = [
      'export default async function (inputs, ctx) {',
      '  eval("1");',
      '  const F = Function; new F("return 1");',
      '  ctx.constructor.constructor("return this")();',
      '  await import("node:fs").catch(() => null);',
      '  await ctx.fetch("https://example.com");',
      '  await ctx.db.put("k", 1);',
      '  await ctx.charge(1);',
      '  return { greeting: "x" };',
      '}',
    ].join('\n');
    const res = await registerAgent(t, dev.orgKey, manifestFor(dev.developerId, { capabilities: ['database_read', 'email'] }), code);
    expect(res.status, res.text).toBe(201);
    for (const name of ['no_eval', 'no_function_constructor', 'no_dynamic_import', 'capabilities_declared', 'capabilities_used', 'pricing_consistent']) expect(check(res, name), name).toMatchObject({ passed: false });
    const messages = Object.fromEntries(res.body.checks.map((c: { name: string; message: string }) => [c.name, c.message]));
    expect(messages.capabilities_declared).toContain('.fetch but the manifest declares no http_request');
    expect(messages.capabilities_declared).toContain('database_read only');
    expect(messages.capabilities_used).toContain('email');
    expect(messages.pricing_consistent).toContain('per_execution');

    const payPerUse = await registerAgent(t, dev.orgKey, manifestFor(dev.developerId, { pricing: { model: 'pay_per_use', amount: 5, currency: 'INR' } }));
    expect(check(payPerUse, 'pricing_consistent')).toMatchObject({ passed: false });
    const destructured = await registerAgent(
      t,
      dev.orgKey,
      manifestFor(dev.developerId, { capabilities: ['webhook'], pricing: { model: 'pay_per_use', amount: 5, currency: 'INR' } }),
      'export default async (inputs, { emit, charge }) => { await emit("x", {}); await charge(1); return { greeting: "x" }; };',
    );
    expect(destructured.body.checks.every((c: { passed: boolean }) => c.passed)).toBe(true);
  });

  it('keeps versions immutable and increasing, and agent ids to their developer', async () => {
    const manifest = manifestFor(dev.developerId, { version: '1.2.0' });
    expect((await registerAgent(t, dev.orgKey, manifest)).status).toBe(201);
    expectError(await registerAgent(t, dev.orgKey, manifest), 409, 'agent_version_exists');
    expectError(await registerAgent(t, dev.orgKey, { ...manifest, version: '1.1.9' }), 409, 'agent_version_not_newer');
    expect((await registerAgent(t, dev.orgKey, { ...manifest, version: '1.10.0' })).status).toBe(201);
    expectError(await registerAgent(t, dev.orgKey, { ...manifest, version: '1.9.0' }), 409, 'agent_version_not_newer');
    expectError(await registerAgent(t, other.orgKey, { ...manifest, version: '2.0.0', author: { developer_id: other.developerId, name: 'B', email: 'b@example.com' } }), 409, 'agent_id_taken');
  });

  it('needs a developer profile and a principal that may write', async () => {
    const plain = await signupOrg(t);
    expectError(await registerAgent(t, plain.orgKey, manifestFor('dev_x')), 403, 'developer_required');
    const agent = await setupAgent(t, dev);
    expectError(await registerAgent(t, agent.agentKey, manifestFor(dev.developerId)), 403, 'forbidden');
    const owner = await loginToken(t, dev.email, dev.password);
    const email = `viewer-${randomUUID()}@example.com`;
    expect((await t.request('POST', '/members', { token: owner, body: { email, password: 'correct horse battery', role: 'viewer' } })).status).toBe(201);
    const viewer = await loginToken(t, email, 'correct horse battery');
    expectError(await registerAgent(t, viewer, manifestFor(dev.developerId)), 403, 'forbidden');
    expect((await registerAgent(t, owner, manifestFor(dev.developerId))).status).toBe(201);
    expectError(await t.request('POST', '/agents/register', { token: dev.orgKey, body: { manifest: manifestFor(dev.developerId), code: HELLO_CODE }, idempotencyKey: null }), 400, 'idempotency_key_missing');
  });
});
