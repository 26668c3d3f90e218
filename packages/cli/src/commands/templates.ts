import { CLI_VERSION } from '../version.ts';

/** The files `frameos init` writes: an agent whose own test (`frameos test`) passes as scaffolded. */
export interface TemplateInput {
  id: string;
  name: string;
  packageName: string;
}

export function projectFiles(t: TemplateInput): Record<string, string> {
  return {
    'package.json': `${JSON.stringify({
      name: t.packageName,
      version: '1.0.0',
      private: true,
      type: 'module',
      frameos: { entry: 'src/index.ts' },
      scripts: { dev: 'frameos dev', test: 'frameos test', validate: 'frameos validate', deploy: 'frameos deploy' },
      dependencies: { '@frameos/agent-sdk': `^${CLI_VERSION}` },
    }, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: true }, include: ['src'] }, null, 2)}\n`,
    'src/index.ts': `import { defineAgent, z } from '@frameos/agent-sdk';

export default defineAgent({
  manifest: {
    id: '${t.id}',
    name: ${JSON.stringify(t.name)},
    version: '1.0.0',
    description: 'Counts the words or characters of a text.',
    author: { name: 'Your name', email: 'you@example.com' },
    // Integer minor units: 50 = 0.50 USD per execution.
    pricing: { model: 'per_execution', amount: 50, currency: 'USD' },
    capabilities: [],
    metadata: { category: 'productivity', tags: ['text'] },
  },
  inputs: z.object({
    text: z.string().max(100_000).describe('the text to count'),
    unit: z.enum(['words', 'characters']).default('words').describe('what to count'),
  }),
  outputs: z.object({
    count: z.number().int().describe('how many words or characters'),
  }),
  examples: [{ name: 'A sentence', inputs: { text: 'Agents pay agents here.' } }],
  handler: async (inputs, ctx) => {
    const count = inputs.unit === 'words' ? inputs.text.split(/\\s+/).filter(Boolean).length : [...inputs.text].length;
    ctx.log(\`counted \${count} \${inputs.unit}\`);
    return { count };
  },
});
`,
    'test/cases/counts-words.json': `${JSON.stringify({ name: 'counts words', inputs: { text: 'Agents pay agents here.' }, expect: { status: 'succeeded', outputs: { count: 4 } } }, null, 2)}\n`,
    'test/cases/counts-characters.json': `${JSON.stringify({ name: 'counts characters', inputs: { text: 'héllo', unit: 'characters' }, expect: { status: 'succeeded', outputs: { count: 5 } } }, null, 2)}\n`,
    'test/cases/refuses-a-missing-text.json': `${JSON.stringify({ name: 'refuses a missing text', inputs: {}, expect: { status: 'failed', error_code: 'invalid_inputs' } }, null, 2)}\n`,
    '.gitignore': 'node_modules/\ndist/\n',
    'README.md': `# ${t.name}

A FrameOS agent (\`${t.id}\`).

- \`npx frameos dev\` runs it on this machine, in the platform's sandbox, on its first example
  (\`--input file.json\` for your own inputs).
- \`npx frameos test\` runs every case in \`test/cases/\` and the manifest's examples.
- \`npx frameos validate\` checks the manifest the registry will receive.
- \`npx frameos deploy\` packages it and registers it for review.
`,
  };
}
