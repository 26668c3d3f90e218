import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LocalRunOptions } from '@frameos/agent-sdk/node';
import { LOCAL_HOST, useAgent, useLocalServer } from '../../test/support.ts';
import { sha256Hex } from '../src/sha256.ts';

const page = (price: string, updated: string) => `<html><head><title>Pricing</title><script>var t = ${Date.now()};</script></head>
<body><h1>Pricing</h1><p>Starter: ${price} per month</p><p>Team: $49 per month</p><p>Updated ${updated}</p></body></html>`;

describe('agt_web_monitor', () => {
  const agent = useAgent('web-monitor');
  let current = page('$19', '1 March 2026');
  const site = useLocalServer(({ url }) => (url.pathname === '/pricing' ? { body: current } : { status: 503, body: 'down' }));
  // The deployment's key-value store, kept across runs as on the platform.
  const kv = new Map<string, unknown>();
  const options: LocalRunOptions = {
    host: {
      ...LOCAL_HOST,
      overrides: {
        'db.get': async ([key]) => kv.get(String(key)) ?? null,
        'db.put': async ([key, value]) => {
          kv.set(String(key), JSON.parse(JSON.stringify(value)));
          return null;
        },
      },
    },
  };

  it('has a manifest the registry accepts; its SHA-256 is the standard one', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect(agent.pkg().manifest.capabilities).toEqual(['http_request', 'database_write']);
    for (const text of ['', 'abc', 'é'.repeat(100), 'x'.repeat(1000)]) expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('records the first check, sees no change when only ignored parts change, then reports the changed lines', async () => {
    const inputs = { url: `${site.url}/pricing`, ignore: ['Updated \\d{1,2} \\w+ \\d{4}'] };
    const first = await agent.ok(inputs, options);
    expect(first).toMatchObject({ changed: false, first_check: true, status: 200, line_count: 4, diff: { added: [], removed: [], summary: 'First check: 4 lines recorded.' } });
    expect(first.previous_hash).toBeUndefined();
    expect([...kv.keys()]).toEqual([expect.stringMatching(/^monitor\/[0-9a-f]{32}$/)]);

    current = page('$19', '2 March 2026');
    const same = await agent.ok(inputs, options);
    expect(same).toMatchObject({ changed: false, first_check: false, hash: first.hash, previous_hash: first.hash, previous_checked_at: first.checked_at });

    current = page('$24', '3 March 2026');
    const changed = await agent.ok(inputs, options);
    expect(changed).toMatchObject({ changed: true, previous_hash: first.hash, diff: { added: ['Starter: $24 per month'], removed: ['Starter: $19 per month'], added_count: 1, removed_count: 1 } });
    expect(changed.hash).not.toBe(first.hash);
    expect((changed.diff as { summary: string }).summary).toMatch(/^1 line added, 1 removed since /);
  });

  it('fails on a server error without storing anything, and on a bad pattern', async () => {
    const before = kv.size;
    expect(await agent.run({ url: `${site.url}/down` }, options)).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/answered 503/) } });
    expect(kv.size).toBe(before);
    expect(await agent.run({ url: `${site.url}/pricing`, ignore: ['(['] }, options)).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/ignore: "\(\[" is not a valid regular expression/) } });
  });
});
