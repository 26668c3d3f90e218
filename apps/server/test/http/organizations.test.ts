import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/test-app.ts';
import { loginToken, signupOrg, type OrgFixture } from '../support/fixtures.ts';
import { expectError, expectValidationError } from '../support/assertions.ts';

/** One person in several organizations: added without a password, listed, switched between. */
describe('organizations of a person', () => {
  const t = useTestApp();
  let alice: OrgFixture;
  let bob: OrgFixture;
  let outsider: OrgFixture;
  let bobSession: string;

  const login = (email: string, password: string, orgId?: string) => t.request('POST', '/auth/login', { body: { email, password, ...(orgId ? { org_id: orgId } : {}) } });
  const organizations = (token: string) => t.request('GET', '/auth/organizations', { token });
  const switchTo = (token: string, orgId: string) => t.request('POST', '/auth/switch-organization', { token, body: { org_id: orgId } });

  beforeAll(async () => {
    alice = await signupOrg(t, 'Alice Labs');
    bob = await signupOrg(t, 'Bob Works');
    outsider = await signupOrg(t, 'Elsewhere');
    bobSession = await loginToken(t, bob.email, bob.password);
    const added = await t.request('POST', '/members', { token: bobSession, body: { email: alice.email.toUpperCase(), role: 'admin' } });
    expect(added.status, added.text).toBe(201);
    expect(added.body).toMatchObject({ object: 'member', user_id: alice.userId, email: alice.email, role: 'admin' });
  });

  it('adds an existing account without touching its password; refuses a password for it, a second add and a new user without one', async () => {
    expectError(await t.request('POST', '/members', { token: bobSession, body: { email: alice.email, role: 'viewer' } }), 409, 'already_member');
    expectError(await t.request('POST', '/members', { token: bobSession, body: { email: alice.email, password: 'a brand new password', role: 'viewer' } }), 409, 'email_taken');
    expectValidationError(await t.request('POST', '/members', { token: bobSession, body: { email: 'nobody-yet@example.com', role: 'viewer' } }), 'body.password');
    // Alice's own password still works, in both organizations.
    expect((await login(alice.email, alice.password)).status).toBe(200);
    const members = await t.request('GET', '/members', { token: bobSession });
    expect(members.body.data.map((m: { email: string; role: string }) => [m.email, m.role]).sort()).toEqual([[alice.email, 'admin'], [bob.email, 'owner']].sort());
  });

  it('lists the organizations with the role in each, marking the session’s own', async () => {
    const session = await loginToken(t, alice.email, alice.password);
    const res = await organizations(session);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ object: 'list', has_more: false });
    const rows = res.body.data.map((o: { org_id: string; name: string; role: string; current: boolean }) => [o.org_id, o.name, o.role, o.current]);
    expect(rows.sort()).toEqual([
      [alice.orgId, 'Alice Labs', 'owner', true],
      [bob.orgId, 'Bob Works', 'admin', false],
    ].sort());
  });

  it('switches to another organization: the new session reads and acts there with that role', async () => {
    const session = await loginToken(t, alice.email, alice.password);
    const switched = await switchTo(session, bob.orgId);
    expect(switched.status, switched.text).toBe(200);
    expect(switched.body).toMatchObject({ token_type: 'Bearer', user_id: alice.userId, org_id: bob.orgId, role: 'admin' });
    const inBob = switched.body.token as string;
    expect((await organizations(inBob)).body.data.find((o: { current: boolean }) => o.current).org_id).toBe(bob.orgId);
    const account = await t.request('POST', '/agent-accounts', { token: inBob, body: { name: 'made by alice in bob works', risk_tier: 'LOW' } });
    expect(account.status, account.text).toBe(201);
    expect((await t.request('GET', `/agent-accounts/${account.body.id}`, { token: bob.orgKey })).status).toBe(200);
    expect((await t.request('GET', `/agent-accounts/${account.body.id}`, { token: alice.orgKey })).status).toBe(404);
    // The first session still works in the first organization.
    expect((await t.request('GET', `/agent-accounts/${account.body.id}`, { token: session })).status).toBe(404);
  });

  it('logs in to a named organization; one the person is not in answers like a wrong password', async () => {
    const direct = await login(alice.email, alice.password, bob.orgId);
    expect(direct.body).toMatchObject({ org_id: bob.orgId, role: 'admin' });
    expectError(await login(alice.email, alice.password, outsider.orgId), 401, 'invalid_credentials');
    expectValidationError(await login(alice.email, alice.password, 'acme'), 'body.org_id');
  });

  it('refuses a switch to an organization the person is not in (404), and API keys altogether (403)', async () => {
    const session = await loginToken(t, alice.email, alice.password);
    expectError(await switchTo(session, outsider.orgId), 404, 'not_found');
    expectError(await switchTo(alice.orgKey, bob.orgId), 403, 'forbidden');
    expectError(await organizations(alice.orgKey), 403, 'forbidden');
    expectValidationError(await switchTo(session, 'not-an-org'), 'body.org_id');
  });

  it('ends the access at once when the person is removed: the session there stops working and no switch back', async () => {
    const carol = await signupOrg(t, 'Carol Co');
    await t.request('POST', '/members', { token: bobSession, body: { email: carol.email, role: 'member' } });
    const carolHome = await loginToken(t, carol.email, carol.password);
    const carolInBob = (await switchTo(carolHome, bob.orgId)).body.token as string;
    expect((await t.request('GET', '/agent-accounts', { token: carolInBob })).status).toBe(200);
    expect((await t.request('DELETE', `/members/${carol.userId}`, { token: bobSession })).status).toBe(200);
    expect((await t.request('GET', '/agent-accounts', { token: carolInBob })).status).toBe(401);
    expectError(await switchTo(carolHome, bob.orgId), 404, 'not_found');
    expect((await organizations(carolHome)).body.data.map((o: { org_id: string }) => o.org_id)).toEqual([carol.orgId]);
  });
});
