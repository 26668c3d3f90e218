import { describe, expect, it } from 'vitest';
import type { LocalRunOptions } from '@frameos/agent-sdk/node';
import { LOCAL_HOST, useAgent, useLocalServer } from '../../test/support.ts';

// ctx.browser.read runs only on the platform (apps/server/test/http/native-agents.test.ts reads real
// pages in Chromium); here host.overrides answers it with what the browser would have read.
type Fields = Record<string, string | null>;
const PROFILES: Record<string, { status?: number; fields: Fields }> = {
  '/in/ada': { fields: { name: 'Dr. Ada Lovelace (she/her)', headline: 'Analyst of engines at Babbage & Co', company: 'Analytical Engines Ltd', location: 'London, England' } },
  '/in/grace': { fields: { name: 'Grace Hopper', headline: 'Rear Admiral @ US Navy | Compilers', company: null, location: null } },
  '/in/nobody': { fields: { name: '  ', headline: null, company: null, location: null } },
  '/in/gone': { status: 404, fields: { name: null, headline: null, company: null, location: null } },
};

describe('agt_linkedin_outreach', () => {
  const agent = useAgent('linkedin-outreach');
  const reads: { url: string; options: { selectors?: Record<string, string> } }[] = [];
  const provider = useLocalServer(({ headers, body }) => {
    if (headers.authorization !== 'Bearer pk_test') return { status: 401, body: { error: { message: 'bad key' } } };
    const { message } = JSON.parse(body) as { message: string };
    return message.includes('REFUSE') ? { status: 422, body: { error: 'profile not reachable' } } : { status: 201, body: { id: 'req_123', status: 'pending' } };
  });
  const options = (config: Record<string, unknown> = {}, secrets: Record<string, string> = { provider_api_key: 'pk_test' }): LocalRunOptions => ({
    config: { provider_url: `${provider.url}/v1/connections`, ...config },
    secrets,
    host: {
      ...LOCAL_HOST,
      overrides: {
        'browser.read': async ([url, opts]) => {
          reads.push({ url: String(url), options: opts as { selectors?: Record<string, string> } });
          const profile = PROFILES[new URL(String(url)).pathname] ?? { status: 404, fields: {} };
          return { url: String(url), status: profile.status ?? 200, title: 'LinkedIn', text: '', text_truncated: false, fields: profile.fields, blocked: [], blocked_count: 0 };
        },
      },
    },
  });
  const profile = (path: string) => `https://www.linkedin.com${path}`;

  it('has a manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect(agent.pkg().manifest).toMatchObject({ id: 'agt_linkedin_outreach', pricing: { model: 'per_execution', amount: 50, currency: 'USD' }, capabilities: ['http_request', 'browser_automation'], metadata: { category: 'sales' } });
  });

  it('reads the profile, personalises the note and sends it to the provider with the bearer key', async () => {
    provider.requests.length = 0;
    const out = await agent.ok({ profile_url: profile('/in/ada'), message_template: 'Hi {{first_name}}, your work at {{company}} as "{{headline}}" in {{location}} is great. — {{sender}}', variables: { sender: 'Bob' } }, options());
    const message = 'Hi Ada, your work at Analytical Engines Ltd as "Analyst of engines at Babbage & Co" in London, England is great. — Bob';
    expect(out).toEqual({
      profile_url: profile('/in/ada'), name: 'Dr. Ada Lovelace (she/her)', first_name: 'Ada', headline: 'Analyst of engines at Babbage & Co', company: 'Analytical Engines Ltd', location: 'London, England',
      message, message_length: [...message].length, truncated: false, dry_run: false, sent: true, request_id: 'req_123', status: 'pending',
    });
    expect(provider.requests).toHaveLength(1);
    expect(provider.requests[0]).toMatchObject({ method: 'POST', url: '/v1/connections', headers: { authorization: 'Bearer pk_test', 'content-type': 'application/json', 'idempotency-key': expect.stringMatching(/^exe_local_/) } });
    expect(JSON.parse(provider.requests[0]!.body)).toEqual({ profile_url: profile('/in/ada'), message });
    // The default selectors, and config.selectors replacing one of them.
    expect(reads.at(-1)!.options.selectors!.name).toContain('h1.top-card-layout__title');
    await agent.ok({ profile_url: profile('/in/ada'), dry_run: true }, options({ selectors: { company: '.my-company' } }));
    expect(reads.at(-1)!.options.selectors).toMatchObject({ company: '.my-company', name: expect.stringContaining('h1') });
  });

  it('dry run: the note without sending, and without any provider configured; company from the headline', async () => {
    provider.requests.length = 0;
    const out = await agent.ok({ profile_url: profile('/in/grace'), dry_run: true }, { ...options({}, {}), config: {} });
    expect(out).toMatchObject({ name: 'Grace Hopper', first_name: 'Grace', company: 'US Navy', dry_run: true, sent: false, status: 'dry_run' });
    expect(out).not.toHaveProperty('location');
    expect(out).not.toHaveProperty('request_id');
    expect(out.message).toBe("Hi Grace, I came across your profile and your work at US Navy caught my eye. I'd be glad to connect and swap notes.");
    expect(provider.requests).toHaveLength(0);
  });

  it('missing provider settings are configuration errors, before any page is read', async () => {
    const before = reads.length;
    expect(await agent.run({ profile_url: profile('/in/ada') }, { ...options(), config: {} })).toMatchObject({ status: 'failed', error: { code: 'agent_error', message: expect.stringMatching(/^configuration: set config\.provider_url/) } });
    expect(await agent.run({ profile_url: profile('/in/ada') }, options({}, {}))).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^configuration: set the secret provider_api_key/) } });
    expect(await agent.run({ profile_url: profile('/in/ada') }, options({ provider_url: 'ftp://x' }))).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^configuration: config\.provider_url must be an http\(s\) URL/) } });
    expect(await agent.run({ profile_url: profile('/in/ada') }, options({ selectors: { age: 'b' } }))).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^configuration: config\.selectors: unknown field age/) } });
    expect(reads.length).toBe(before);
  });

  it('enforces the 300-character connection note: an error by default, a truncation when asked', async () => {
    const long = `Hi {{first_name}}, ${'I admire your work on compilers and languages. '.repeat(8)}`;
    expect(await agent.run({ profile_url: profile('/in/grace'), message_template: long }, options())).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/characters; LinkedIn allows 300 in a connection note/) } });
    const out = await agent.ok({ profile_url: profile('/in/grace'), message_template: long, on_too_long: 'truncate', dry_run: true }, options());
    expect(out.truncated).toBe(true);
    expect(out.message_length).toBeLessThanOrEqual(300);
    expect([...(out.message as string)].length).toBe(out.message_length);
    expect(out.message).toMatch(/^Hi Grace, I admire .*\w…$/);
    expect(out.message).not.toMatch(/\s…$/);
    // Exactly 300 passes untouched.
    const exact = `Hi {{first_name}} ${'x'.repeat(300 - 'Hi Grace '.length)}`;
    expect(await agent.ok({ profile_url: profile('/in/grace'), message_template: exact, dry_run: true }, options())).toMatchObject({ message_length: 300, truncated: false });
  });

  it('refuses bad inputs, unknown or empty placeholders, pages without a profile, and a provider refusal', async () => {
    expect(await agent.run({ profile_url: 'not a url' }, options())).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.profile_url/) } });
    expect(await agent.run({ profile: profile('/in/ada') }, options())).toMatchObject({ status: 'failed', error: { code: 'invalid_inputs' } });
    expect(await agent.run({ profile_url: profile('/in/ada'), on_too_long: 'shrug' }, options())).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.on_too_long/) } });
    expect(await agent.run({ profile_url: profile('/in/ada'), message_template: 'Hi {{nickname}}', dry_run: true }, options())).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/\{\{nickname\}\} is not a known placeholder/) } });
    expect(await agent.run({ profile_url: profile('/in/grace'), message_template: 'Hi from {{location}}', dry_run: true }, options())).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/\{\{location\}\} is empty for this profile; give a fallback/) } });
    expect(await agent.ok({ profile_url: profile('/in/grace'), message_template: 'Hi from {{location|afar}}', dry_run: true }, options())).toMatchObject({ message: 'Hi from afar' });
    expect(await agent.run({ profile_url: profile('/in/nobody'), dry_run: true }, options())).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/No name on .*sign-in wall/) } });
    expect(await agent.run({ profile_url: profile('/in/gone'), dry_run: true }, options())).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/answered HTTP 404/) } });
    expect(await agent.run({ profile_url: profile('/in/ada'), message_template: 'REFUSE {{first_name}}' }, options())).toMatchObject({ status: 'failed', error: { message: 'The provider refused the connection request: HTTP 422 (profile not reachable).' } });
    expect(await agent.run({ profile_url: profile('/in/ada') }, options({}, { provider_api_key: 'wrong' }))).toMatchObject({ status: 'failed', error: { message: 'The provider refused the connection request: HTTP 401 (bad key).' } });
  });
});
