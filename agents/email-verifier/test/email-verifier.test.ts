import { describe, expect, it } from 'vitest';
import { LOCAL_HOST, useAgent, useLocalServer } from '../../test/support.ts';
import { dnsOverHttps } from '../../test/fixtures/providers.ts';

interface Result {
  email: string;
  status: string;
  syntax_ok: boolean;
  disposable: boolean;
  role_account: boolean;
  free_provider: boolean;
  mx_found: boolean | null;
  mx_records: string[];
  did_you_mean: string | null;
  reasons: string[];
}

describe('agt_email_verifier', () => {
  const agent = useAgent('email-verifier');
  const doh = useLocalServer(dnsOverHttps);
  const withDoh = () => ({ host: LOCAL_HOST, config: { doh_url: `${doh.url}/dns-query` } });

  it('has a pay-per-use manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect(agent.pkg().manifest.pricing).toEqual({ model: 'pay_per_use', amount: 1, currency: 'USD' });
  });

  it('offline: syntax, disposable, role, free provider and typo checks; deliverability unknown; one unit per address', async () => {
    const result = await agent.run({ emails: ['ada@acme.test', 'Ada@ACME.test', 'info@acme.test', 'x@mailinator.com', 'bob@gmial.com', 'sam@gmail.com', 'no-at-sign', 'a..b@acme.test', 'bad@-acme.test'] });
    expect(result.status).toBe('succeeded');
    const byEmail = Object.fromEntries((result.outputs!.results as Result[]).map((r) => [r.email, r]));
    expect(Object.keys(byEmail)).toHaveLength(8);
    expect(byEmail['ada@acme.test']).toMatchObject({ status: 'unknown', syntax_ok: true, mx_found: null, reasons: ['mail servers not checked (no DNS-over-HTTPS resolver configured)'] });
    expect(byEmail['info@acme.test']).toMatchObject({ status: 'risky', role_account: true });
    expect(byEmail['x@mailinator.com']).toMatchObject({ status: 'risky', disposable: true });
    expect(byEmail['bob@gmial.com']).toMatchObject({ status: 'risky', did_you_mean: 'bob@gmail.com' });
    expect(byEmail['sam@gmail.com']).toMatchObject({ status: 'unknown', free_provider: true, did_you_mean: null });
    for (const bad of ['no-at-sign', 'a..b@acme.test', 'bad@-acme.test']) expect(byEmail[bad]).toMatchObject({ status: 'invalid', syntax_ok: false });
    expect(result.outputs!.summary).toEqual({ checked: 8, valid: 0, invalid: 3, risky: 3, unknown: 2, mx_checked: false });
    expect(result.record.charges).toEqual([{ units: 8, event: 'email_verified' }]);
  });

  it('with DNS-over-HTTPS: MX found, implicit MX, null MX, no domain, lookup failure; leads come back with email_status', async () => {
    const leads = [{ email: 'ada@acme.test', first_name: 'Ada', position: 'CTO' }, { email: 'x@nowhere.test', first_name: 'X' }];
    const out = await agent.ok({ emails: ['web@webonly.test', 'a@nomail.test', 'b@broken.test', 'c@empty.test'], leads }, withDoh());
    const byEmail = Object.fromEntries((out.results as Result[]).map((r) => [r.email, r]));
    expect(byEmail['ada@acme.test']).toMatchObject({ status: 'valid', mx_found: true, mx_records: ['mx1.acme.test', 'mx2.acme.test'], reasons: [] });
    expect(byEmail['x@nowhere.test']).toMatchObject({ status: 'invalid', reasons: ['the domain does not exist'] });
    expect(byEmail['web@webonly.test']).toMatchObject({ status: 'risky', mx_found: false, mx_records: ['webonly.test'] });
    expect(byEmail['a@nomail.test']).toMatchObject({ status: 'invalid', reasons: ['the domain accepts no mail (null MX)'] });
    expect(byEmail['b@broken.test']).toMatchObject({ status: 'unknown', mx_found: null, reasons: ['mail servers not checked: DNS status 2'] });
    expect(byEmail['c@empty.test']).toMatchObject({ status: 'invalid', reasons: ['the domain has no mail server'] });
    expect(out.leads).toEqual([{ ...leads[0], email_status: 'valid' }, { ...leads[1], email_status: 'invalid' }]);
    expect((out.summary as { mx_checked: boolean }).mx_checked).toBe(true);
    // One MX query per domain, A only where there was no MX.
    const queries = doh.requests.map((r) => new URL(r.url, doh.url).searchParams).map((p) => `${p.get('type')} ${p.get('name')}`);
    expect(queries.filter((q) => q === 'MX acme.test')).toHaveLength(1);
    expect(queries).toContain('A webonly.test');
  });

  it('configuration errors and bad inputs', async () => {
    const [mxWithoutDoh, nothing, badDoh, tooMany] = await Promise.all([
      agent.run({ emails: ['a@acme.test'], check_mx: true }),
      agent.run({ emails: [] }),
      agent.run({ emails: ['a@acme.test'] }, { config: { doh_url: 'dns.google' } }),
      agent.run({ emails: Array.from({ length: 1001 }, (_, i) => `u${i}@acme.test`) }),
    ]);
    expect(mxWithoutDoh).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^configuration: check_mx is true but config\.doh_url is not set/) } });
    expect(nothing).toMatchObject({ status: 'failed', error: { message: 'Nothing to verify: give `emails` or `leads`.' } });
    expect(badDoh).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^configuration: config\.doh_url must be/) } });
    expect(tooMany).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.emails/) } });
    expect(mxWithoutDoh.record.charges).toEqual([]);
  });
});
