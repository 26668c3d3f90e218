import { describe, expect, it } from 'vitest';
import { LOCAL_HOST, useAgent, useLocalServer } from '../../test/support.ts';

const SOURCE = `A solar battery stores the power your panels make during the day. Battery storage lets you use that power in the evening, when electricity is most expensive.
Most households with a solar battery cut their electricity bill by a third. Installers size battery storage to the evening load of the home. A typical solar battery lasts ten to fifteen years before its capacity drops noticeably.
Net metering rules decide how much an electricity bill falls when panels export power. Some utilities pay less for exported power than they charge for imported power, which makes a solar battery more attractive.`;

interface Check {
  check: string;
  passed: boolean;
}

describe('agt_seo_content', () => {
  const agent = useAgent('seo-content');
  const llm = useLocalServer(({ url, headers, body }) => {
    if (url.pathname !== '/v1/chat/completions') return { status: 404, body: { error: { message: 'no such route' } } };
    if (headers.authorization !== 'Bearer sk-test') return { status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } } };
    const request = JSON.parse(body) as { model: string; messages: { role: string; content: string }[] };
    const brief = request.messages[1]!.content;
    const title = /Start with "# (.+?)"/.exec(brief)?.[1] ?? 'Untitled';
    const article = `# ${title}\n\nA solar battery keeps the sun's power for the evening, and for homeowners that changes the electricity bill.\n\n## What is solar battery?\n\nIt stores energy.\n\n## Conclusion\n\nDone.`;
    return { body: { id: 'chatcmpl-1', object: 'chat.completion', model: `${request.model}-2026`, choices: [{ index: 0, message: { role: 'assistant', content: article }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 50, total_tokens: 60 } } };
  });

  it('has a manifest the registry accepts', () => {
    expect(agent.pkg().problems).toEqual([]);
    expect(agent.pkg().manifest.pricing).toEqual({ model: 'per_execution', amount: 15, currency: 'USD' });
  });

  it('offline: title, slug, meta, outline from the keywords, body from the source sentences, checks', async () => {
    const out = await agent.ok({ topic: 'Home solar batteries', keywords: ['Solar battery', 'battery storage', 'electricity bill'], text: SOURCE, audience: 'homeowners', call_to_action: 'Ask for a free quote today.' });
    expect(out.generated_by).toBe('template');
    expect(out.model).toBeUndefined();
    expect(out.title).toBe('Solar Battery: Home Solar Batteries — A Practical Guide');
    expect(out.slug).toBe('solar-battery-home-solar-batteries');
    const content = out.content as string;
    expect(content.startsWith('# Solar Battery: Home Solar Batteries')).toBe(true);
    expect(content).toContain('## What is solar battery?');
    expect(content).toContain('## Battery Storage');
    expect(content).toContain('Most households with a solar battery cut their electricity bill by a third.');
    expect(content.trim().endsWith('Ask for a free quote today.')).toBe(true);
    expect((out.meta_description as string).length).toBeLessThanOrEqual(155);
    expect(out.meta_description).toMatch(/solar battery/i);
    expect((out.outline as { heading: string }[]).map((o) => o.heading)).toEqual(['What is solar battery?', 'Why solar battery matters for homeowners', 'Battery Storage', 'Electricity Bill', 'Best practices for Home solar batteries', 'Frequently asked questions', 'Conclusion']);
    const usage = out.keyword_usage as { keyword: string; occurrences: number }[];
    expect(usage.map((u) => u.keyword)).toEqual(['solar battery', 'battery storage', 'electricity bill']);
    expect(usage[0]!.occurrences).toBeGreaterThan(3);
    const checks = Object.fromEntries((out.checks as Check[]).map((c) => [c.check, c.passed]));
    expect(checks).toMatchObject({ keyword_in_title: true, keyword_in_first_paragraph: true, keyword_in_heading: true, title_length: true });
    // Deterministic.
    expect(await agent.ok({ topic: 'Home solar batteries', keywords: ['Solar battery', 'battery storage', 'electricity bill'], text: SOURCE, audience: 'homeowners', call_to_action: 'Ask for a free quote today.' })).toEqual(out);
  });

  it('through an OpenAI-compatible endpoint when configured; configuration and provider errors are clear', async () => {
    const inputs = { topic: 'Home solar batteries', keywords: ['solar battery'], text: SOURCE, audience: 'homeowners' };
    const host = { host: LOCAL_HOST };
    const [llmRun, wrongKey, noKey, noUrl] = await Promise.all([
      agent.run(inputs, { ...host, config: { llm_base_url: `${llm.url}/v1/`, llm_model: 'gpt-test' }, secrets: { llm_api_key: 'sk-test' } }),
      agent.run(inputs, { ...host, config: { llm_base_url: `${llm.url}/v1` }, secrets: { llm_api_key: 'sk-wrong' } }),
      agent.run(inputs, { ...host, config: { llm_base_url: `${llm.url}/v1` } }),
      agent.run(inputs, { ...host, secrets: { llm_api_key: 'sk-test' } }),
    ]);
    expect(llmRun).toMatchObject({ status: 'succeeded', outputs: { generated_by: 'llm', model: 'gpt-test-2026', title: 'Solar Battery: Home Solar Batteries — A Practical Guide', outline: [{ level: 2, heading: 'What is solar battery?' }, { level: 2, heading: 'Conclusion' }] } });
    expect(llmRun.outputs!.meta_description).toMatch(/^A solar battery keeps the sun's power/);
    const sent = llm.requests.find((r) => r.headers.authorization === 'Bearer sk-test')!;
    const request = JSON.parse(sent.body) as { model: string; messages: { content: string }[] };
    expect(request.model).toBe('gpt-test');
    expect(request.messages[1]!.content).toContain('## Why solar battery matters for homeowners');
    expect(request.messages[1]!.content).toContain('Most households with a solar battery');
    expect(wrongKey).toMatchObject({ status: 'failed', error: { message: 'The LLM provider answered 401 (check the llm_api_key secret): Incorrect API key provided' } });
    expect(noKey).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^configuration: config\.llm_base_url is set but the secret llm_api_key is missing/) } });
    expect(noUrl).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/^configuration: the secret llm_api_key is set but config\.llm_base_url is missing/) } });
    expect(await agent.run({ topic: 'x' })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/inputs\.topic/) } });
  });
});
