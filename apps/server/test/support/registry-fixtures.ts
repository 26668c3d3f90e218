import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loginToken, signupOrg, type OrgFixture } from './fixtures.ts';
import type { TestApp, TestResponse } from './test-app.ts';

const AGENTS_DIR = join(import.meta.dirname, '../../../../agents');

/** An agent of `agents/` (manifest.json + index.js). */
export function agentSource(name: string): { manifest: Record<string, unknown>; code: string } {
  return {
    manifest: JSON.parse(readFileSync(join(AGENTS_DIR, name, 'manifest.json'), 'utf8')) as Record<string, unknown>,
    code: readFileSync(join(AGENTS_DIR, name, 'index.js'), 'utf8'),
  };
}

export const HELLO_CODE = 'export default async function handler(inputs) {\n  return { greeting: `Hello, ${inputs.name}` };\n}\n';

export interface DeveloperFixture extends OrgFixture {
  developerId: string;
}

/** An organization with its developer profile. */
export async function developerOrg(t: TestApp, name = 'Agent Works'): Promise<DeveloperFixture> {
  const org = await signupOrg(t, name);
  const res = await t.request('POST', '/developers', { token: org.orgKey, body: { name, email: `dev-${randomUUID()}@example.com` } });
  if (res.status !== 201) throw new Error(`developer failed: ${res.status} ${res.text}`);
  return { ...org, developerId: res.body.developer_id };
}

/** A platform admin's session: a user whose email is in the app's PLATFORM_ADMIN_EMAILS. */
export async function platformAdminToken(t: TestApp, email: string): Promise<string> {
  const password = 'correct horse battery staple';
  const res = await t.request('POST', '/auth/signup', { body: { email, password, org_name: 'FrameOS review' } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
  return loginToken(t, email, password);
}

/** A valid manifest of `developerId`'s agent; unique id unless given. */
export function manifestFor(developerId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `agt_test_${randomUUID().slice(0, 8)}`,
    name: 'Hello Agent',
    version: '1.0.0',
    description: 'Greets someone by name.',
    author: { developer_id: developerId, name: 'Ada', email: 'ada@example.com' },
    pricing: { model: 'per_execution', amount: 100, currency: 'USD' },
    inputs: [{ name: 'name', type: 'string', required: true, description: 'Who to greet' }],
    outputs: [{ name: 'greeting', type: 'string' }],
    capabilities: [],
    runtime: { language: 'nodejs', version: '20', entrypoint: 'index.js', timeout_ms: 5000, memory_mb: 64 },
    metadata: { category: 'productivity', tags: ['demo'] },
    ...overrides,
  };
}

export function registerAgent(t: TestApp, token: string, manifest: unknown, code: string = HELLO_CODE, idempotencyKey?: string): Promise<TestResponse> {
  return t.request('POST', '/agents/register', { token, body: { manifest, code }, ...(idempotencyKey ? { idempotencyKey } : {}) });
}

/** A multipart/form-data body of text fields and files. */
export function multipartBody(parts: Array<{ name: string; value: string; filename?: string }>): { body: string; contentType: string } {
  const boundary = `----frameos${randomUUID().replaceAll('-', '')}`;
  let body = '';
  for (const part of parts) {
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}\r\n`;
    if (part.filename) body += 'Content-Type: application/javascript\r\n';
    body += `\r\n${part.value}\r\n`;
  }
  body += `--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Registers and approves a version; the approve answer. */
export async function publishAgent(t: TestApp, developer: DeveloperFixture, adminToken: string, manifest: Record<string, unknown>, code = HELLO_CODE): Promise<TestResponse> {
  const registered = await registerAgent(t, developer.orgKey, manifest, code);
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${registered.text}`);
  const approved = await t.request('POST', `/admin/agents/${String(manifest.id)}/approve`, { token: adminToken, body: { version: manifest.version } });
  if (approved.status !== 200) throw new Error(`approve failed: ${approved.status} ${approved.text}`);
  return approved;
}
