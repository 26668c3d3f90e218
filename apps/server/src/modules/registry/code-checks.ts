import { parse, type Node, type Program } from 'acorn';
import { full } from 'acorn-walk';
import type { AgentCapability, AgentManifest } from '@frameos/domain';

/** The largest artifact accepted: one bundled ES module. */
export const MAX_CODE_BYTES = 5 * 1024 * 1024;

export interface CodeCheck {
  name: string;
  passed: boolean;
  message: string;
}

export interface CodeCheckResult {
  checks: CodeCheck[];
  /** The first failed check that refuses the upload (size, parse, default export, imports), or null. */
  blocking: CodeCheck | null;
}

/** The checks whose failure refuses the upload (400 invalid_code); every other check only informs review. */
export const BLOCKING_CHECKS = new Set(['size', 'parses', 'default_export', 'self_contained']);

/** The host API each capability adds to `ctx` (docs/agents.md). */
const CAPABILITY_APIS: Array<{ api: string; capabilities: AgentCapability[] }> = [
  { api: 'fetch', capabilities: ['http_request'] },
  { api: 'email', capabilities: ['email'] },
  { api: 'storage', capabilities: ['file_storage'] },
  { api: 'db', capabilities: ['database_read', 'database_write'] },
  { api: 'emit', capabilities: ['webhook'] },
  { api: 'browser', capabilities: ['browser_automation'] },
];

interface Findings {
  defaultExport: 'none' | 'function' | 'not_a_function' | 'unknown';
  imports: string[];
  /** Property names the code reads (`x.fetch`, `x['fetch']`) or destructures (`{ fetch }`). */
  properties: Set<string>;
  writesDb: boolean;
  usesEval: boolean;
  usesFunctionConstructor: boolean;
  usesDynamicImport: boolean;
}

type AnyNode = Node & Record<string, unknown>;

const propertyName = (member: AnyNode): string | null => {
  const property = member.property as AnyNode | undefined;
  if (!property) return null;
  if (!member.computed && property.type === 'Identifier') return property.name as string;
  if (member.computed && property.type === 'Literal' && typeof property.value === 'string') return property.value;
  return null;
};

const keyName = (key: AnyNode | undefined): string | null => {
  if (!key) return null;
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return null;
};

const NOT_CALLABLE = new Set(['Literal', 'ObjectExpression', 'ArrayExpression', 'TemplateLiteral', 'ClassDeclaration', 'ClassExpression']);

function inspect(program: Program): Findings {
  const findings: Findings = {
    defaultExport: 'none',
    imports: [],
    properties: new Set(),
    writesDb: false,
    usesEval: false,
    usesFunctionConstructor: false,
    usesDynamicImport: false,
  };
  full(program, (raw) => {
    const node = raw as AnyNode;
    switch (node.type) {
      case 'ImportDeclaration':
        findings.imports.push(`import from ${JSON.stringify((node.source as AnyNode).value)}`);
        break;
      case 'ExportAllDeclaration':
        findings.imports.push(`export * from ${JSON.stringify((node.source as AnyNode).value)}`);
        break;
      case 'ExportNamedDeclaration':
        if (node.source) findings.imports.push(`export … from ${JSON.stringify((node.source as AnyNode).value)}`);
        else if ((node.specifiers as AnyNode[]).some((s) => keyName(s.exported as AnyNode) === 'default')) findings.defaultExport = 'unknown';
        break;
      case 'ExportDefaultDeclaration': {
        const declaration = node.declaration as AnyNode;
        findings.defaultExport = ['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'].includes(declaration.type)
          ? 'function'
          : NOT_CALLABLE.has(declaration.type)
            ? 'not_a_function'
            : 'unknown';
        break;
      }
      case 'ImportExpression':
        findings.usesDynamicImport = true;
        break;
      case 'Identifier':
        if (node.name === 'eval') findings.usesEval = true;
        if (node.name === 'Function') findings.usesFunctionConstructor = true;
        break;
      case 'MemberExpression': {
        const name = propertyName(node);
        if (name === null) break;
        findings.properties.add(name);
        if (name === 'eval') findings.usesEval = true;
        if (name === 'Function' || name === 'constructor') {
          // `x.constructor.constructor(…)` reaches Function the indirect way.
          const object = node.object as AnyNode;
          if (name === 'Function' || (object.type === 'MemberExpression' && propertyName(object) === 'constructor')) findings.usesFunctionConstructor = true;
        }
        const object = node.object as AnyNode;
        if ((name === 'put' || name === 'delete') && object.type === 'MemberExpression' && propertyName(object) === 'db') findings.writesDb = true;
        break;
      }
      case 'ObjectPattern':
        for (const property of node.properties as AnyNode[]) {
          const name = property.type === 'Property' ? keyName(property.key as AnyNode) : null;
          if (name !== null) findings.properties.add(name);
        }
        break;
    }
  });
  return findings;
}

const pass = (name: string, message: string): CodeCheck => ({ name, passed: true, message });
const fail = (name: string, message: string): CodeCheck => ({ name, passed: false, message });

/**
 * The static checks of an uploaded artifact, recorded on the version for the reviewer. Size, parsing,
 * the default export and self-containment refuse the upload; the rest (manifest/code consistency,
 * eval, Function, dynamic import) are flags that inform review and never block: the sandbox denies
 * what is not declared whatever the code says.
 */
export function checkAgentCode(code: string, manifest: Pick<AgentManifest, 'capabilities' | 'pricing'>): CodeCheckResult {
  const checks: CodeCheck[] = [];
  const size = Buffer.byteLength(code, 'utf8');
  if (size > MAX_CODE_BYTES) {
    checks.push(fail('size', `The code is ${size} bytes; at most ${MAX_CODE_BYTES} bytes (5 MiB) are accepted.`));
    return { checks, blocking: checks[0]! };
  }
  checks.push(pass('size', `${size} bytes (at most ${MAX_CODE_BYTES}).`));

  let program: Program;
  try {
    program = parse(code, { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true });
  } catch (err) {
    checks.push(fail('parses', `The code does not parse as an ES module: ${(err as Error).message}.`));
    return { checks, blocking: checks.at(-1)! };
  }
  checks.push(pass('parses', 'Parses as an ES module.'));

  const found = inspect(program);
  checks.push(
    found.defaultExport === 'none'
      ? fail('default_export', 'The module has no default export; export the handler: export default async function (inputs, ctx) { … }.')
      : found.defaultExport === 'not_a_function'
        ? fail('default_export', 'The default export is not a function; export the handler: export default async function (inputs, ctx) { … }.')
        : pass('default_export', found.defaultExport === 'function' ? 'The default export is a function.' : 'Has a default export.'),
  );
  checks.push(
    found.imports.length > 0
      ? fail('self_contained', `The module imports other modules (${found.imports.slice(0, 5).join('; ')}); bundle its dependencies into one self-contained file.`)
      : pass('self_contained', 'Imports no other module.'),
  );

  const declared = new Set<string>(manifest.capabilities);
  const undeclared = CAPABILITY_APIS.filter(({ api, capabilities }) => found.properties.has(api) && !capabilities.some((c) => declared.has(c)));
  const problems = undeclared.map(({ api, capabilities }) => `refers to .${api} but the manifest declares no ${capabilities.join(' or ')}`);
  if (found.writesDb && declared.has('database_read') && !declared.has('database_write')) problems.push('writes with .db.put/.db.delete but the manifest declares database_read only (read-only without database_write)');
  checks.push(problems.length > 0 ? fail('capabilities_declared', `The code ${problems.join('; ')}.`) : pass('capabilities_declared', 'Every host API the code refers to is declared.'));

  const unused = CAPABILITY_APIS.filter(({ api, capabilities }) => capabilities.some((c) => declared.has(c)) && !found.properties.has(api)).flatMap(({ capabilities }) => capabilities.filter((c) => declared.has(c)));
  checks.push(
    unused.length > 0
      ? fail('capabilities_used', `The manifest declares ${unused.join(', ')} but the code never refers to its API; declare only what the agent uses.`)
      : pass('capabilities_used', 'Every declared capability is referred to.'),
  );

  const charges = found.properties.has('charge');
  checks.push(
    manifest.pricing.model === 'pay_per_use' && !charges
      ? fail('pricing_consistent', 'The pricing model is pay_per_use but the code never calls ctx.charge, so every run would cost nothing.')
      : manifest.pricing.model !== 'pay_per_use' && charges
        ? fail('pricing_consistent', `The code refers to .charge but the pricing model is ${manifest.pricing.model}; ctx.charge exists for pay_per_use only.`)
        : pass('pricing_consistent', 'The code agrees with the pricing model.'),
  );

  checks.push(found.usesEval ? fail('no_eval', 'The code refers to eval.') : pass('no_eval', 'No eval.'));
  checks.push(found.usesFunctionConstructor ? fail('no_function_constructor', 'The code refers to Function (or reaches it through .constructor.constructor).') : pass('no_function_constructor', 'No Function constructor.'));
  checks.push(found.usesDynamicImport ? fail('no_dynamic_import', 'The code uses dynamic import().') : pass('no_dynamic_import', 'No dynamic import().'));

  return { checks, blocking: checks.find((c) => !c.passed && BLOCKING_CHECKS.has(c.name)) ?? null };
}
