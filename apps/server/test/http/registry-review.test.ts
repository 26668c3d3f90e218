import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from '@frameos/db';
import { DomainError } from '@frameos/domain';
import { useTestApp, type TestApp } from '../support/test-app.ts';
import { loginToken, setupAgent, signupOrg, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError, thrownBy } from '../support/assertions.ts';
import { developerOrg, HELLO_CODE, manifestFor, platformAdminToken, publishAgent, registerAgent, type DeveloperFixture } from '../support/registry-fixtures.ts';
import { DEMO_USER_EMAIL, loadConfig } from '../../src/config.ts';
import { DEMO_EMAIL } from '../../src/seed/demo-seed.ts';
import { developerOfOrg, loadAgentCode, loadRunnableVersion } from '../../src/modules/registry/registry.service.ts';

const ADMIN_EMAIL = 'reviewer@frameos.test';
const env = { PLATFORM_ADMIN_EMAILS: ` Reviewer@FrameOS.test , someone-else@frameos.test` };

async function thrownAsync(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('PLATFORM_ADMIN_EMAILS', () => {
  it('is a lowercased list; outside production the demo user is added', () => {
    expect(DEMO_USER_EMAIL).toBe(DEMO_EMAIL);
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'memory://', PLATFORM_ADMIN_EMAILS: 'A@x.test, ,b@y.test' }).platformAdminEmails).toEqual(['a@x.test', 'b@y.test', DEMO_EMAIL]);
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'memory://', PLATFORM_ADMIN_EMAILS: DEMO_EMAIL.toUpperCase() }).platformAdminEmails).toEqual([DEMO_EMAIL]);
    expect(loadConfig({ NODE_ENV: 'development', DATABASE_URL: 'memory://', PLATFORM_ADMIN_EMAILS: 'a@x.test' }).platformAdminEmails).toEqual(['a@x.test', DEMO_EMAIL]);
    expect(loadConfig({ NODE_ENV: 'development', DATABASE_URL: 'memory://' }).platformAdminEmails).toEqual([DEMO_EMAIL]);
  });
});

describe('review by platform admins', () => {
  const t = useTestApp({ env });
  let dev: DeveloperFixture;
  let outsider: OrgFixture;
  let admin: string;
  let outsiderSession: string;

  beforeAll(async () => {
    [dev, outsider] = await Promise.all([developerOrg(t), signupOrg(t, 'Customer')]);
    admin = await platformAdminToken(t, ADMIN_EMAIL);
    outsiderSession = await loginToken(t, outsider.email, outsider.password);
  });

  it('refuses everyone else with 403 forbidden, including the admin’s own org key', async () => {
    const manifest = manifestFor(dev.developerId);
    await registerAgent(t, dev.orgKey, manifest);
    const adminOrgKey = (await t.request('POST', '/api-keys', { token: admin })).body.api_key as string;
    expect(adminOrgKey).toMatch(/^fos_org_/);
    const developerSession = await loginToken(t, dev.email, dev.password);
    for (const token of [dev.orgKey, developerSession, outsider.orgKey, outsiderSession, adminOrgKey]) {
      expectError(await t.request('GET', '/admin/agents', { token }), 403, 'forbidden');
      expectError(await t.request('POST', `/admin/agents/${String(manifest.id)}/approve`, { token }), 403, 'forbidden');
      expectError(await t.request('POST', `/admin/agents/${String(manifest.id)}/reject`, { token, body: { reason: 'no' } }), 403, 'forbidden');
      expectError(await t.request('POST', `/admin/agents/${String(manifest.id)}/suspend`, { token, body: { reason: 'no' } }), 403, 'forbidden');
      expectError(await t.request('POST', `/admin/agents/${String(manifest.id)}/unsuspend`, { token }), 403, 'forbidden');
    }
    expectError(await t.request('GET', `/admin/agents/${String(manifest.id)}/versions/1.0.0/code`, { token: outsiderSession }), 403, 'forbidden');
    expect((await t.request('GET', `/admin/agents/${String(manifest.id)}/versions/1.0.0/code`, { token: dev.orgKey })).text).toBe(HELLO_CODE);
  });

  it('lists the queue with checks and code digests, serves the code, approves the newest pending version by default', async () => {
    const manifest = manifestFor(dev.developerId, { name: 'Queue Agent' });
    const registered = await registerAgent(t, dev.orgKey, manifest);
    const id = String(manifest.id);
    const queue = await t.request('GET', '/admin/agents?status=pending_review&limit=100', { token: admin });
    expect(queue.status).toBe(200);
    const entry = queue.body.data.find((a: { agent_id: string }) => a.agent_id === id);
    expect(entry).toMatchObject({
      object: 'admin_agent',
      status: 'pending_review',
      latest_approved_version: null,
      developer: { developer_id: dev.developerId, org_id: dev.orgId },
      versions: [{ version: '1.0.0', status: 'pending_review', code_sha256: registered.body.code_sha256, code_size: registered.body.code_size, checks: registered.body.checks, manifest, review_reason: null }],
    });
    const code = await t.request('GET', `/admin/agents/${id}/versions/1.0.0/code`, { token: admin });
    expect(code.status).toBe(200);
    expect(code.headers['content-type']).toMatch(/^text\/plain/);
    expect(code.text).toBe(HELLO_CODE);
    expectError(await t.request('GET', `/admin/agents/${id}/versions/9.9.9/code`, { token: admin }), 404, 'not_found');

    const approved = await t.request('POST', `/admin/agents/${id}/approve`, { token: admin, body: { reason: 'looks fine' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'listed', latest_approved_version: '1.0.0', versions: [{ version: '1.0.0', status: 'approved', review_reason: 'looks fine', reviewed_by: expect.stringMatching(/^usr_/) }] });
    expect((await t.request('GET', '/admin/agents?status=pending_review&limit=100', { token: admin })).body.data.some((a: { agent_id: string }) => a.agent_id === id)).toBe(false);
    expect((await t.request('GET', '/admin/agents?status=approved&limit=100', { token: admin })).body.data.some((a: { agent_id: string }) => a.agent_id === id)).toBe(true);
    expectError(await t.request('POST', `/admin/agents/${id}/approve`, { token: admin }), 409, 'agent_not_pending');
    expectError(await t.request('POST', '/admin/agents/agt_nobody_here/approve', { token: admin }), 404, 'not_found');
  });

  it('approves a named version, keeps the listing on the highest approved one, rejects with a reason', async () => {
    const manifest = manifestFor(dev.developerId, { name: 'Versioned v1' });
    const id = String(manifest.id);
    await registerAgent(t, dev.orgKey, manifest);
    await registerAgent(t, dev.orgKey, { ...manifest, version: '1.1.0', name: 'Versioned v1.1' });
    await registerAgent(t, dev.orgKey, { ...manifest, version: '2.0.0', name: 'Versioned v2' });
    const v11 = await t.request('POST', `/admin/agents/${id}/approve`, { token: admin, body: { version: '1.1.0' } });
    expect(v11.body).toMatchObject({ latest_approved_version: '1.1.0', name: 'Versioned v1.1' });
    // An older version approved later does not move the listing back.
    const v1 = await t.request('POST', `/admin/agents/${id}/approve`, { token: admin, body: { version: '1.0.0' } });
    expect(v1.body).toMatchObject({ latest_approved_version: '1.1.0', name: 'Versioned v1.1' });
    expectError(await t.request('POST', `/admin/agents/${id}/approve`, { token: admin, body: { version: '1.0.0' } }), 409, 'agent_not_pending');
    expectValidationError(await t.request('POST', `/admin/agents/${id}/reject`, { token: admin, body: {} }), 'body.reason');
    expectValidationError(await t.request('POST', `/admin/agents/${id}/reject`, { token: admin, body: { reason: '   ' } }), 'body.reason');
    const rejected = await t.request('POST', `/admin/agents/${id}/reject`, { token: admin, body: { reason: 'calls out to an unknown host' } });
    expect(rejected.body.versions.find((v: { version: string }) => v.version === '2.0.0')).toMatchObject({ status: 'rejected', review_reason: 'calls out to an unknown host' });
    expect(rejected.body).toMatchObject({ status: 'listed', latest_approved_version: '1.1.0' });
    expectError(await t.request('POST', `/admin/agents/${id}/reject`, { token: admin, body: { reason: 'again' } }), 409, 'agent_not_pending');
    const rejectedList = await t.request('GET', '/admin/agents?status=rejected&limit=100', { token: admin });
    expect(rejectedList.body.data.find((a: { agent_id: string }) => a.agent_id === id).versions.map((v: { version: string }) => v.version)).toEqual(['2.0.0']);

    const detail = await t.request('GET', `/agents/${id}`, { token: outsider.orgKey });
    expect(detail.body).toMatchObject({ version: '1.1.0', status: 'listed', manifest: { name: 'Versioned v1.1', version: '1.1.0' } });
    expect(detail.body.versions.map((v: { version: string }) => v.version)).toEqual(['1.1.0', '1.0.0']);
    const own = await t.request('GET', `/agents/${id}`, { token: dev.orgKey });
    expect(own.body.versions.map((v: { version: string; status: string }) => `${v.version} ${v.status}`)).toEqual(['2.0.0 rejected', '1.1.0 approved', '1.0.0 approved']);
  });

  it("lists the developer's own agents with every version, its review status and the reviewer's reason (GET /developers/me/agents)", async () => {
    const own = await developerOrg(t, 'Own Agents');
    const pending = manifestFor(own.developerId, { name: 'Still pending' });
    const refused = manifestFor(own.developerId, { name: 'Refused one' });
    await registerAgent(t, own.orgKey, pending);
    await registerAgent(t, own.orgKey, refused);
    await t.request('POST', `/admin/agents/${String(refused.id)}/reject`, { token: admin, body: { reason: 'the description promises too much' } });
    await registerAgent(t, own.orgKey, { ...refused, version: '1.0.1' });

    const session = await loginToken(t, own.email, own.password);
    const res = await t.request('GET', '/developers/me/agents', { token: session });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ object: 'list', has_more: false });
    const byId = new Map(res.body.data.map((a: { agent_id: string }) => [a.agent_id, a]));
    expect([...byId.keys()].sort()).toEqual([String(pending.id), String(refused.id)].sort());
    expect(byId.get(String(pending.id))).toMatchObject({ object: 'developer_agent', status: 'pending_review', latest_approved_version: null, versions: [{ version: '1.0.0', status: 'pending_review', review_reason: null }] });
    expect(byId.get(String(refused.id))).toMatchObject({
      name: 'Refused one',
      versions: [{ version: '1.0.1', status: 'pending_review' }, { version: '1.0.0', status: 'rejected', review_reason: 'the description promises too much' }],
    });
    // Pages by agent id; the org key reads it too; another org sees its own (none), an org without a profile gets 403.
    const first = await t.request('GET', '/developers/me/agents?limit=1', { token: own.orgKey });
    expect(first.body).toMatchObject({ has_more: true });
    const second = await t.request('GET', `/developers/me/agents?limit=1&starting_after=${first.body.next_cursor}`, { token: own.orgKey });
    expect([first.body.data[0].agent_id, second.body.data[0].agent_id].sort()).toEqual([...byId.keys()].sort());
    expect((await t.request('GET', '/developers/me/agents', { token: dev.orgKey })).body.data.map((a: { agent_id: string }) => a.agent_id)).not.toContain(String(pending.id));
    expectError(await t.request('GET', '/developers/me/agents', { token: outsider.orgKey }), 403, 'developer_required');
  });

  it('shows a pending or rejected agent only to its developer and platform admins', async () => {
    const manifest = manifestFor(dev.developerId);
    const id = String(manifest.id);
    await registerAgent(t, dev.orgKey, manifest);
    expectError(await t.request('GET', `/agents/${id}`, { token: outsider.orgKey }), 404, 'not_found');
    expectError(await t.request('GET', `/agents/${id}`, { token: outsiderSession }), 404, 'not_found');
    const devAgent = await setupAgent(t, dev);
    expectError(await t.request('GET', `/agents/${id}`, { token: devAgent.agentKey }), 404, 'not_found');
    expect((await t.request('GET', `/agents/${id}`, { token: dev.orgKey })).body).toMatchObject({ status: 'pending_review', version: '1.0.0', versions: [{ status: 'pending_review' }] });
    expect((await t.request('GET', `/agents/${id}`, { token: admin })).body.status).toBe('pending_review');
    await t.request('POST', `/admin/agents/${id}/reject`, { token: admin, body: { reason: 'no' } });
    expect((await t.request('GET', `/agents/${id}`, { token: dev.orgKey })).body).toMatchObject({ status: 'rejected', versions: [{ status: 'rejected', review_reason: 'no' }] });
    expectError(await t.request('GET', `/agents/${id}`, { token: outsider.orgKey }), 404, 'not_found');
    expectError(await t.request('GET', '/agents/agt_does_not_exist', { token: outsider.orgKey }), 404, 'not_found');
    expectValidationError(await t.request('GET', '/agents/not-an-agent', { token: outsider.orgKey }), 'params.id');
  });

  it('suspends and unsuspends: out of the catalogue and not runnable meanwhile', async () => {
    const manifest = manifestFor(dev.developerId);
    const id = String(manifest.id);
    await publishAgent(t, dev, admin, manifest);
    const db = t.appCtx.database.db;
    expect(await loadRunnableVersion(db, id)).toMatchObject({ agentId: id, version: '1.0.0', developer: { developerId: dev.developerId, orgId: dev.orgId } });
    expectValidationError(await t.request('POST', `/admin/agents/${id}/suspend`, { token: admin, body: {} }), 'body.reason');
    const suspended = await t.request('POST', `/admin/agents/${id}/suspend`, { token: admin, body: { reason: 'abuse report' } });
    expect(suspended.body).toMatchObject({ status: 'suspended', suspended_reason: 'abuse report' });
    expectError(await t.request('GET', `/agents/${id}`, { token: outsider.orgKey }), 404, 'not_found');
    expect((await t.request('GET', `/agents/${id}`, { token: dev.orgKey })).body).toMatchObject({ status: 'suspended', suspended_reason: 'abuse report' });
    expect((await t.request('GET', '/agents?limit=100', { token: outsider.orgKey })).body.data.some((a: { agent_id: string }) => a.agent_id === id)).toBe(false);
    expect((await t.request('GET', '/admin/agents?status=suspended', { token: admin })).body.data.map((a: { agent_id: string }) => a.agent_id)).toContain(id);
    const err = await thrownAsync(() => loadRunnableVersion(db, id));
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('agent_not_available');
    const back = await t.request('POST', `/admin/agents/${id}/unsuspend`, { token: admin });
    expect(back.body).toMatchObject({ status: 'listed', suspended_reason: null });
    expect((await t.request('GET', `/agents/${id}`, { token: outsider.orgKey })).status).toBe(200);
  });

  it('gives the executions module the runnable version, its code and the developer of an org', async () => {
    const manifest = manifestFor(dev.developerId);
    const id = String(manifest.id);
    const db = t.appCtx.database.db;
    await registerAgent(t, dev.orgKey, manifest);
    expect(((await thrownAsync(() => loadRunnableVersion(db, id))) as DomainError).code).toBe('not_found');
    expect(((await thrownAsync(() => loadRunnableVersion(db, 'agt_missing'))) as DomainError).code).toBe('not_found');
    await t.request('POST', `/admin/agents/${id}/approve`, { token: admin });
    await registerAgent(t, dev.orgKey, { ...manifest, version: '1.0.1' });
    const runnable = await loadRunnableVersion(db, id);
    expect(runnable.version).toBe('1.0.0');
    expect(runnable.manifest).toEqual(manifest);
    expect(await loadAgentCode(t.appCtx, runnable.codeSha256)).toBe(HELLO_CODE);
    expect(await loadAgentCode(t.appCtx, runnable.codeSha256)).toBe(HELLO_CODE);
    expect(((await thrownAsync(() => loadRunnableVersion(db, id, '1.0.1'))) as DomainError).code).toBe('agent_not_available');
    expect(((await thrownAsync(() => loadRunnableVersion(db, id, '7.0.0'))) as DomainError).code).toBe('agent_not_available');
    expect((await loadRunnableVersion(db, id, '1.0.0')).version).toBe('1.0.0');
    expect(await developerOfOrg(db, dev.orgId)).toEqual({ developerId: dev.developerId, orgId: dev.orgId, name: 'Agent Works' });
    expect(await developerOfOrg(db, outsider.orgId)).toBeNull();
    await expect(loadAgentCode(t.appCtx, 'f'.repeat(64))).rejects.toThrow(/missing/);
    expect(thrownBy(() => undefined)).toBeUndefined();
  });
});

describe('the catalogue', () => {
  const t = useTestApp({ env });
  let dev: DeveloperFixture;
  let viewer: OrgFixture;
  let admin: string;
  const ids: Record<string, string> = {};

  async function runs(app: TestApp, agentId: string, outcomes: Array<[string, number | null]>, deployments = 1) {
    const payer = await setupAgent(app, viewer);
    const db = app.appCtx.database.db;
    const deploymentIds: string[] = [];
    for (let i = 0; i < deployments; i++) {
      const id = `dep_${randomUUID().replaceAll('-', '').slice(0, 26).toUpperCase()}`;
      deploymentIds.push(id);
      await db.insert(schema.deployments).values({ id, orgId: viewer.orgId, agentId, version: '1.0.0', agentAccountId: payer.agentId, policyId: payer.policyId, status: 'active', maxConcurrency: 1 });
    }
    await db.insert(schema.deployments).values({ id: `dep_${randomUUID().replaceAll('-', '').slice(0, 26).toUpperCase()}`, orgId: viewer.orgId, agentId, version: '1.0.0', agentAccountId: payer.agentId, policyId: payer.policyId, status: 'deleted', maxConcurrency: 1 });
    for (const [status, durationMs] of outcomes) {
      await db.insert(schema.executions).values({
        id: `exe_${randomUUID().replaceAll('-', '').slice(0, 26).toUpperCase()}`,
        orgId: viewer.orgId,
        deploymentId: deploymentIds[0]!,
        agentId,
        version: '1.0.0',
        agentAccountId: payer.agentId,
        status: status as 'succeeded',
        inputs: {},
        pricingModel: 'per_execution',
        currency: 'USD',
        callerIp: '127.0.0.1',
        durationMs,
      });
    }
  }

  beforeAll(async () => {
    [dev, viewer] = await Promise.all([developerOrg(t, 'Catalogue Dev'), signupOrg(t, 'Viewer')]);
    admin = await platformAdminToken(t, ADMIN_EMAIL);
    const publish = async (key: string, overrides: Record<string, unknown>) => {
      const manifest = manifestFor(dev.developerId, { id: `agt_${key}`, ...overrides });
      ids[key] = String(manifest.id);
      await publishAgent(t, dev, admin, manifest);
      t.clock.advance(1000);
    };
    await publish('lead_finder', { name: 'Lead Finder', description: 'Finds sales leads on the web.', metadata: { category: 'sales', tags: ['crm', 'leads'] }, capabilities: ['http_request'] });
    await publish('deploy_bot', { name: 'Deploy Bot', description: 'Ships your services.', metadata: { category: 'devops', tags: ['ci'] }, pricing: { model: 'subscription', amount: 5000, currency: 'INR' } });
    await publish('paper_digest', { name: 'Paper Digest', description: 'Summarises research papers.', metadata: { category: 'research', tags: ['papers', 'summaries'] }, pricing: { model: 'pay_per_use', amount: 3, currency: 'USD' } });
    await publish('mail_sorter', { name: 'Mail Sorter', description: 'Sorts the inbox 100% of the time.', metadata: { category: 'productivity', tags: ['email'] } });
    // Pending and rejected agents stay out of the catalogue.
    await registerAgent(t, dev.orgKey, manifestFor(dev.developerId, { id: 'agt_pending_one', name: 'Lead Pending' }));
    await runs(t, ids.lead_finder!, [['succeeded', 100], ['succeeded', 300], ['failed', 5], ['timed_out', 9000], ['queued', null], ['aborted', 1]], 2);
    await runs(t, ids.paper_digest!, [['succeeded', 40], ['succeeded', 60], ['succeeded', 50]]);
    await runs(t, ids.deploy_bot!, [['failed', 10]]);
  });

  const list = async (query = '') => {
    const res = await t.request('GET', `/agents${query}`, { token: viewer.orgKey });
    expect(res.status, res.text).toBe(200);
    return res;
  };
  const agentIds = (res: { body: { data: Array<{ agent_id: string }> } }) => res.body.data.map((a) => a.agent_id);

  it('lists approved, unsuspended agents, newest first, each with pricing, capabilities, developer and stats', async () => {
    const res = await list();
    expect(agentIds(res)).toEqual(['agt_mail_sorter', 'agt_paper_digest', 'agt_deploy_bot', 'agt_lead_finder']);
    expect(res.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    const lead = res.body.data.find((a: { agent_id: string }) => a.agent_id === 'agt_lead_finder');
    expect(lead).toEqual({
      object: 'agent',
      agent_id: 'agt_lead_finder',
      name: 'Lead Finder',
      description: 'Finds sales leads on the web.',
      version: '1.0.0',
      pricing: { model: 'per_execution', amount: 100, currency: 'USD' },
      category: 'sales',
      tags: ['crm', 'leads'],
      capabilities: ['http_request'],
      developer: { developer_id: dev.developerId, name: 'Catalogue Dev' },
      stats: { deployments: 2, executions: 4, success_rate: 0.5, p50_duration_ms: 200 },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(res.body.data.find((a: { agent_id: string }) => a.agent_id === 'agt_mail_sorter').stats).toEqual({ deployments: 0, executions: 0, success_rate: null, p50_duration_ms: null });
    // Any authenticated principal may browse, an agent key included.
    const payer = await setupAgent(t, viewer);
    expect((await t.request('GET', '/agents', { token: payer.agentKey })).status).toBe(200);
    expectError(await t.request('GET', '/agents'), 401, 'unauthorized');
  });

  it('filters by category, tag, pricing model and text', async () => {
    expect(agentIds(await list('?category=sales'))).toEqual(['agt_lead_finder']);
    expect(agentIds(await list('?tag=papers'))).toEqual(['agt_paper_digest']);
    expect(agentIds(await list('?pricing_model=subscription'))).toEqual(['agt_deploy_bot']);
    expect(agentIds(await list('?pricing_model=per_execution&sort=popular'))).toEqual(['agt_lead_finder', 'agt_mail_sorter']);
    expect(agentIds(await list('?q=research'))).toEqual(['agt_paper_digest']);
    expect(agentIds(await list('?q=leads'))).toEqual(['agt_lead_finder']);
    expect(agentIds(await list('?q=Lead'))).toEqual(['agt_lead_finder']);
    expect(agentIds(await list('?q=summaries%20papers'))).toEqual(['agt_paper_digest']);
    expect(agentIds(await list('?q=100%25'))).toEqual(['agt_mail_sorter']);
    expect(agentIds(await list('?q=%25'))).toEqual([]);
    expect(agentIds(await list('?q=_'))).toEqual([]);
    expect(agentIds(await list('?q=nothing-like-this'))).toEqual([]);
    expect(agentIds(await list('?category=sales&tag=ci'))).toEqual([]);
    expectValidationError(await t.request('GET', '/agents?category=games', { token: viewer.orgKey }), 'querystring.category');
    expectValidationError(await t.request('GET', '/agents?sort=random', { token: viewer.orgKey }), 'querystring.sort');
  });

  it('sorts by popularity (finished runs) and rating (success rate, then runs)', async () => {
    expect(agentIds(await list('?sort=popular'))).toEqual(['agt_lead_finder', 'agt_paper_digest', 'agt_deploy_bot', 'agt_mail_sorter']);
    expect(agentIds(await list('?sort=rating'))).toEqual(['agt_paper_digest', 'agt_lead_finder', 'agt_deploy_bot', 'agt_mail_sorter']);
  });

  it('paginates with limit and starting_after in every order', async () => {
    for (const sort of ['latest', 'popular', 'rating']) {
      const all = agentIds(await list(`?sort=${sort}`));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof list>> = await list(`?sort=${sort}&limit=3${cursor ? `&starting_after=${cursor}` : ''}`);
        seen.push(...agentIds(page));
        cursor = page.body.next_cursor;
        expect(page.body.has_more).toBe(cursor !== null);
      } while (cursor);
      expect(seen).toEqual(all);
    }
  });

  it('serves the manifest with input and output JSON Schemas and the stats', async () => {
    const res = await t.request('GET', '/agents/agt_lead_finder', { token: viewer.orgKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'agent',
      agent_id: 'agt_lead_finder',
      status: 'listed',
      version: '1.0.0',
      developer: { developer_id: dev.developerId, name: 'Catalogue Dev' },
      stats: { deployments: 2, executions: 4, success_rate: 0.5, p50_duration_ms: 200 },
      versions: [{ version: '1.0.0', status: 'approved' }],
    });
    expect(res.body.manifest.metadata).toEqual({ category: 'sales', tags: ['crm', 'leads'] });
    expect(res.body.input_schema).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { name: { type: 'string', description: 'Who to greet' } },
      required: ['name'],
      additionalProperties: false,
    });
    expect(res.body.output_schema).toMatchObject({ type: 'object', properties: { greeting: { type: 'string' } }, required: ['greeting'], additionalProperties: false });
  });
});
