import { describe, expect, it } from 'vitest';
import {
  AgentManifestSchema,
  compareSemver,
  inputJsonSchema,
  inputProblems,
  manifestProblems,
  outputJsonSchema,
  outputProblems,
  parseManifest,
  semverParts,
} from '../src/index.ts';
import { validManifest } from './fixtures.ts';


const paths = (value: unknown) => manifestProblems(value).map((p) => p.path).sort();

describe('AgentManifestSchema', () => {
  it('accepts a complete manifest', () => {
    expect(manifestProblems(validManifest())).toEqual([]);
    expect(AgentManifestSchema.parse(validManifest()).id).toBe('agt_hello_world');
    const parsed = parseManifest(validManifest());
    expect(parsed.ok).toBe(true);
  });

  it('accepts any runtime language (nodejs is checked by the registry) and no optional fields', () => {
    expect(manifestProblems(validManifest({ runtime: { language: 'python', version: '3.12', entrypoint: 'main.py', timeout_ms: 1, memory_mb: 1 }, metadata: { category: 'sales', tags: [] } }))).toEqual([]);
  });

  it('refuses something that is not an object', () => {
    expect(manifestProblems('nope')).toEqual([{ path: '', message: 'must be a JSON object' }]);
    expect(manifestProblems([])).toEqual([{ path: '', message: 'must be a JSON object' }]);
    expect(manifestProblems(null)).toEqual([{ path: '', message: 'must be a JSON object' }]);
    expect(parseManifest(1)).toEqual({ ok: false, problems: [{ path: '', message: 'must be a JSON object' }] });
  });

  it('lists every missing field as required', () => {
    const problems = manifestProblems({});
    expect(problems.map((p) => p.path).sort()).toEqual(['author', 'capabilities', 'description', 'id', 'inputs', 'metadata', 'name', 'outputs', 'pricing', 'runtime', 'version']);
    expect(problems.every((p) => p.message === 'is required')).toBe(true);
  });

  it('lists every problem at once, each with its path', () => {
    const problems = manifestProblems({
      id: 'Hello',
      name: 'ab',
      version: '1.0',
      description: 'x'.repeat(501),
      author: { developer_id: '', name: 'Ada', email: 'not-an-email' },
      pricing: { model: 'free', amount: 1.5, currency: 'EUR' },
      inputs: [{ name: 'a', type: 'date', required: 'yes' }, { name: 'a', type: 'string', required: true }],
      outputs: [{ name: 'o', type: 'string' }, { name: 'o', type: 'string' }],
      capabilities: ['http_request', 'teleport', 'http_request'],
      runtime: { language: 'nodejs', version: '20', entrypoint: 'index.js', timeout_ms: 300_001, memory_mb: 0 },
      metadata: { category: 'games', tags: ['', 'x'.repeat(41), 'ok', 'ok'], homepage: 'ftp://example.com', documentation: 'not a url' },
      extra: true,
    });
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        'id',
        'name',
        'version',
        'description',
        'author.developer_id',
        'author.email',
        'pricing.model',
        'pricing.amount',
        'pricing.currency',
        'inputs.0.type',
        'inputs.0.required',
        'inputs.1.name',
        'outputs.1.name',
        'capabilities.1',
        'capabilities.2',
        'runtime.timeout_ms',
        'runtime.memory_mb',
        'metadata.category',
        'metadata.tags.0',
        'metadata.tags.1',
        'metadata.tags.3',
        'metadata.homepage',
        'metadata.documentation',
        'extra',
      ].sort(),
    );
    expect(problems.find((p) => p.path === 'extra')?.message).toBe('is not a known field');
    expect(problems.find((p) => p.path === 'inputs.1.name')?.message).toBe('duplicates "a"');
    expect(problems.find((p) => p.path === 'id')?.message).toContain('^agt_[a-z0-9_]+$');
  });

  it('holds the limits at their edges', () => {
    expect(paths(validManifest({ name: 'abc' }))).toEqual([]);
    expect(paths(validManifest({ name: 'x'.repeat(100) }))).toEqual([]);
    expect(paths(validManifest({ name: 'x'.repeat(101) }))).toEqual(['name']);
    expect(paths(validManifest({ description: 'x'.repeat(500) }))).toEqual([]);
    expect(paths(validManifest({ version: '1.0.0-beta' }))).toEqual(['version']);
    expect(paths(validManifest({ id: 'agt_' }))).toEqual(['id']);
    expect(paths(validManifest({ id: 'agt_UPPER' }))).toEqual(['id']);
    const runtime = (r: Record<string, unknown>) => validManifest({ runtime: { language: 'nodejs', version: '20', entrypoint: 'index.js', timeout_ms: 1000, memory_mb: 64, ...r } });
    expect(paths(runtime({ timeout_ms: 300_000, memory_mb: 2048 }))).toEqual([]);
    expect(paths(runtime({ timeout_ms: 0 }))).toEqual(['runtime.timeout_ms']);
    expect(paths(runtime({ memory_mb: 2049 }))).toEqual(['runtime.memory_mb']);
    expect(paths(runtime({ memory_mb: 1.5 }))).toEqual(['runtime.memory_mb']);
    expect(paths(validManifest({ metadata: { category: 'sales', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } }))).toEqual(['metadata.tags']);
  });

  it('refuses reserved and malformed field names', () => {
    expect(paths(validManifest({ inputs: [{ name: '__proto__', type: 'string', required: true }] }))).toEqual(['inputs.0.name']);
    expect(paths(validManifest({ outputs: [{ name: 'constructor', type: 'string' }] }))).toEqual(['outputs.0.name']);
    expect(paths(validManifest({ inputs: [{ name: 'has space', type: 'string', required: true }] }))).toEqual(['inputs.0.name']);
  });

  it('caps the amount at the currency maximum and refuses zero', () => {
    expect(paths(validManifest({ pricing: { model: 'per_execution', amount: 99_999_999_999, currency: 'INR' } }))).toEqual([]);
    const over = manifestProblems(validManifest({ pricing: { model: 'per_execution', amount: 100_000_000_000, currency: 'USD' } }));
    expect(over).toEqual([{ path: 'pricing.amount', message: expect.stringContaining('at most 99999999999') }]);
    expect(paths(validManifest({ pricing: { model: 'subscription', amount: 0, currency: 'USD' } }))).toEqual(['pricing.amount']);
  });

  it('applies the cross-field rules in the schema itself too', () => {
    expect(AgentManifestSchema.safeParse(validManifest({ capabilities: ['webhook', 'webhook'] })).success).toBe(false);
    expect(AgentManifestSchema.safeParse(validManifest({ pricing: { model: 'per_execution', amount: 100_000_000_000, currency: 'USD' } })).success).toBe(false);
  });
});

describe('compareSemver', () => {
  it('orders numerically, not as text', () => {
    expect(compareSemver('1.10.0', '1.9.9')).toBe(1);
    expect(compareSemver('1.0.0', '1.0.0')).toBe(0);
    expect(compareSemver('0.9.12', '1.0.0')).toBe(-1);
    expect(compareSemver('2.0.0', '10.0.0')).toBe(-1);
    expect(semverParts('3.14.159')).toEqual([3, 14, 159]);
    expect(() => semverParts('1.0')).toThrow(TypeError);
  });
});

describe('input and output schemas', () => {
  const manifest = AgentManifestSchema.parse(validManifest());

  it('serves the inputs and outputs as JSON Schema 2020-12', () => {
    expect(inputJsonSchema(manifest)).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { name: { type: 'string', description: 'Who to greet' }, times: { type: 'number' } },
      required: ['name'],
      additionalProperties: false,
    });
    expect(outputJsonSchema(manifest)).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { greeting: { type: 'string', description: 'The greeting' }, extra: { type: 'object' } },
      required: ['greeting'],
      additionalProperties: false,
    });
  });

  it('lists every problem of the inputs', () => {
    expect(inputProblems(manifest, { name: 'Ada' })).toEqual([]);
    expect(inputProblems(manifest, { name: 'Ada', times: 2 })).toEqual([]);
    expect(inputProblems(manifest, { times: 'twice', who: 1, also: 2 })).toEqual([
      { path: 'who', message: "is not one of the agent's inputs" },
      { path: 'also', message: "is not one of the agent's inputs" },
      { path: 'name', message: 'is required' },
      { path: 'times', message: 'must be a number' },
    ]);
    expect(inputProblems(manifest, [])).toEqual([{ path: '', message: "must be an object of the agent's inputs" }]);
    expect(inputProblems(manifest, null)).toHaveLength(1);
  });

  it('checks each type', () => {
    const all = AgentManifestSchema.parse(
      validManifest({
        inputs: [
          { name: 's', type: 'string', required: true },
          { name: 'n', type: 'number', required: true },
          { name: 'b', type: 'boolean', required: true },
          { name: 'o', type: 'object', required: true },
          { name: 'a', type: 'array', required: true },
        ],
      }),
    );
    expect(inputProblems(all, { s: 'x', n: 1.5, b: false, o: {}, a: [] })).toEqual([]);
    expect(inputProblems(all, { s: 1, n: '1', b: 'true', o: [], a: {} }).map((p) => p.message)).toEqual([
      'must be a string',
      'must be a number',
      'must be a boolean',
      'must be an object',
      'must be an array',
    ]);
    expect(inputProblems(all, { s: 'x', n: 1, b: true, o: null, a: [] })).toEqual([{ path: 'o', message: 'must be an object' }]);
  });

  it('requires outputs unless they say required: false', () => {
    expect(outputProblems(manifest, { greeting: 'Hello, Ada' })).toEqual([]);
    expect(outputProblems(manifest, { extra: {} })).toEqual([{ path: 'greeting', message: 'is required' }]);
    expect(outputProblems(manifest, { greeting: 1, leak: true })).toEqual([
      { path: 'leak', message: "is not one of the agent's outputs" },
      { path: 'greeting', message: 'must be a string' },
    ]);
  });

  it('accepts null for a field whose JSON Schema is nullable (Zod .nullable()), and only there', () => {
    const m = {
      inputs: [{ name: 'note', type: 'string' as const, required: false, schema: { anyOf: [{ type: 'string' }, { type: 'null' }] } }],
      outputs: [
        { name: 'company', type: 'string' as const, schema: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
        { name: 'title', type: 'string' as const, schema: { type: ['string', 'null'] } },
        { name: 'name', type: 'string' as const },
      ],
    };
    expect(outputProblems(m, { company: null, title: null, name: 'Ada' })).toEqual([]);
    expect(outputProblems(m, { company: 'Acme', title: 'CTO', name: null })).toEqual([{ path: 'name', message: 'must be a string' }]);
    expect(inputProblems(m, { note: null })).toEqual([]);
  });
});
