import { defineAgent, z } from '@frameos/agent-sdk';

/**
 * Static review of a unified diff (git diff, a GitHub .patch), offline: the added lines of each
 * file are checked for debugging left in (console.log, debugger, print), TODO/FIXME, secrets
 * (AWS, GitHub, Slack, Stripe, Google keys, private keys, credential assignments with high
 * entropy), focused or skipped tests, merge-conflict markers, eval, type-check suppressions, SQL
 * built by concatenation and functions longer than a limit; a change to source files without a
 * test file is flagged once. The verdict follows the worst finding.
 */

type Severity = 'error' | 'warning' | 'info';

interface FileChange {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  additions: number;
  deletions: number;
  added: { line: number; text: string }[];
}

function parseDiff(diff: string): FileChange[] {
  const files: FileChange[] = [];
  let current: FileChange | null = null;
  let newLine = 0;
  let oldPath = '';
  let inHunk = false;
  for (const raw of diff.replace(/\r\n?/g, '\n').split('\n')) {
    if (raw.startsWith('diff --git ')) {
      const m = /^diff --git a\/(.+?) b\/(.+)$/.exec(raw);
      current = { path: m?.[2] ?? '', status: 'modified', additions: 0, deletions: 0, added: [] };
      if (m && m[1] !== m[2]) current.status = 'renamed';
      files.push(current);
      inHunk = false;
      continue;
    }
    if (raw.startsWith('--- ') && !inHunk) {
      oldPath = raw.slice(4).replace(/^a\//, '').replace(/\t.*$/, '');
      continue;
    }
    if (raw.startsWith('+++ ') && !inHunk) {
      const path = raw.slice(4).replace(/^b\//, '').replace(/\t.*$/, '');
      if (!current || current.added.length || current.additions || (current.path && current.path !== path && path !== '/dev/null')) {
        current = { path: '', status: 'modified', additions: 0, deletions: 0, added: [] };
        files.push(current);
      }
      if (path === '/dev/null') {
        current.status = 'deleted';
        current.path = current.path || oldPath;
      } else {
        current.path = path;
        if (oldPath === '/dev/null') current.status = 'added';
      }
      continue;
    }
    if (!current) continue;
    if (raw.startsWith('new file mode')) current.status = 'added';
    else if (raw.startsWith('deleted file mode')) current.status = 'deleted';
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk) {
      newLine = Number(hunk[1]);
      inHunk = true;
      continue;
    }
    if (!inHunk) continue;
    if (raw.startsWith('+')) {
      current.additions++;
      current.added.push({ line: newLine, text: raw.slice(1) });
      newLine++;
    } else if (raw.startsWith('-')) current.deletions++;
    else if (raw.startsWith(' ') || raw === '') newLine++;
    else if (raw.startsWith('\\')) continue;
    else inHunk = false;
  }
  return files.filter((f) => f.path);
}

const TEST_FILE = /(^|\/)(test|tests|__tests__|spec|e2e)\/|\.(test|spec|e2e)\.[cm]?[jt]sx?$|_test\.(go|py|rb)$|(^|\/)test_[^/]+\.py$/;
const JS_FILE = /\.[cm]?[jt]sx?$|\.vue$|\.svelte$/;
const TS_FILE = /\.[cm]?tsx?$/;
const PY_FILE = /\.py$/;
const CODE_FILE = /\.([cm]?[jt]sx?|py|go|rb|java|kt|rs|php|cs|swift|scala|vue|svelte)$/;
const NOT_SOURCE = /(^|\/)(docs?|examples?|scripts?|fixtures?|migrations?)\/|\.(config|conf)\.[cm]?[jt]s$|(^|\/)\.[^/]+$/;

const SECRET_PATTERNS: [string, RegExp][] = [
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['private key', /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY-----/],
  ['GitHub token', /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/],
  ['Stripe live key', /\b(sk|rk)_live_[0-9a-zA-Z]{16,}\b/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['JSON web token', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/],
];
const CREDENTIAL_ASSIGNMENT = /\b([A-Za-z0-9_]*(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?key|auth[_-]?token|token|client[_-]?secret)[A-Za-z0-9_]*)["']?\s*[:=]\s*["'`]([^"'`\s]{8,})["'`]/i;
const PLACEHOLDER = /^(x+|\*+|changeme|change_me|password|secret|example|sample|test|dummy|placeholder|your[_-]?.*|<.*>|\$\{.*\}|\{\{.*\}\})$/i;

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

const mask = (s: string) => (s.length <= 8 ? '****' : `${s.slice(0, 4)}…${s.slice(-2)}`);

const findingSchema = z.object({
  rule: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  file: z.string(),
  line: z.number().int().describe('line number in the new file; 0 for file-level findings'),
  message: z.string(),
  snippet: z.string().describe('the line, trimmed and cut; secrets masked'),
});
type Finding = z.infer<typeof findingSchema>;

const RULES = ['console_log', 'debugger', 'todo', 'secret', 'long_function', 'missing_tests', 'focused_test', 'skipped_test', 'merge_conflict', 'eval', 'type_suppression', 'sql_concatenation', 'large_diff'] as const;

export default defineAgent({
  manifest: {
    id: 'agt_code_review',
    name: 'Code Review Agent',
    version: '1.0.0',
    description: 'Reviews a unified diff offline: debugging left in, TODOs, leaked secrets, focused tests, merge-conflict markers, eval, type-check suppressions, SQL concatenation, long functions and source changes without tests — each finding with file, line and severity — and gives a verdict with a review comment.',
    author: { name: 'FrameOS Demo', email: 'demo@frameos.dev' },
    pricing: { model: 'per_execution', amount: 10, currency: 'USD' },
    capabilities: [],
    runtime: { timeout_ms: 20_000, memory_mb: 128 },
    metadata: { category: 'devops', tags: ['code-review', 'static-analysis', 'security', 'git', 'offline'] },
  },
  inputs: z.object({
    diff: z.string().min(1).max(5_000_000).describe('A unified diff: `git diff`, `git format-patch` or a GitHub .patch'),
    max_function_lines: z.number().int().min(5).max(1000).default(60).describe('Longer added functions are flagged'),
    disabled_rules: z.array(z.enum(RULES)).default([]).describe('Rules to skip'),
  }),
  outputs: z.object({
    verdict: z.enum(['approve', 'comment', 'request_changes']).describe('request_changes on any error, comment on warnings'),
    score: z.number().int().describe('100 minus 15 per error, 5 per warning, 1 per info (at least 0)'),
    findings: z.array(findingSchema),
    files: z.array(z.object({ path: z.string(), status: z.enum(['added', 'modified', 'deleted', 'renamed']), additions: z.number().int(), deletions: z.number().int(), is_test: z.boolean() })),
    summary: z.object({ files_changed: z.number().int(), additions: z.number().int(), deletions: z.number().int(), errors: z.number().int(), warnings: z.number().int(), infos: z.number().int() }),
    review: z.string().describe('A review comment in Markdown'),
  }),
  examples: [{ name: 'A small patch', inputs: { diff: 'diff --git a/src/pay.ts b/src/pay.ts\n--- a/src/pay.ts\n+++ b/src/pay.ts\n@@ -1,2 +1,4 @@\n export function pay() {\n+  console.log("paying");\n+  // TODO: retry\n   return true;\n }\n' } }],
  handler: async (inputs) => {
    const files = parseDiff(inputs.diff);
    if (files.length === 0) throw new Error('This is not a unified diff: no "diff --git" or "--- / +++" file headers were found.');
    const disabled = new Set<string>(inputs.disabled_rules);
    const findings: Finding[] = [];
    const add = (rule: string, severity: Severity, file: string, line: number, message: string, snippet = '') => {
      if (!disabled.has(rule)) findings.push({ rule, severity, file, line, message, snippet: snippet.trim().slice(0, 160) });
    };
    for (const file of files) {
      if (file.status === 'deleted') continue;
      const isTest = TEST_FILE.test(file.path);
      const js = JS_FILE.test(file.path);
      for (const { line, text } of file.added) {
        if (/^(<{7}|>{7})( |$)|^={7}$/.test(text)) add('merge_conflict', 'error', file.path, line, 'merge-conflict marker', text);
        if (js && !isTest && /\bconsole\.(log|debug|trace|dir)\s*\(/.test(text) && !/^\s*(\/\/|\*)/.test(text)) add('console_log', 'warning', file.path, line, 'console output left in', text);
        if (PY_FILE.test(file.path) && !isTest && /^\s*print\(/.test(text)) add('console_log', 'warning', file.path, line, 'print() left in', text);
        if (js && /^\s*debugger\s*;?\s*$/.test(text)) add('debugger', 'error', file.path, line, 'debugger statement', text);
        if (PY_FILE.test(file.path) && /\b(pdb|ipdb)\.set_trace\(|\bbreakpoint\(\)/.test(text)) add('debugger', 'error', file.path, line, 'debugger breakpoint', text);
        const todo = /\b(TODO|FIXME|XXX|HACK)\b[:\s]?(.*)$/.exec(text);
        if (todo) add('todo', 'info', file.path, line, `${todo[1]} comment${todo[2]?.trim() ? `: ${todo[2].trim().slice(0, 80)}` : ''}`, text);
        let secret = false;
        for (const [name, re] of SECRET_PATTERNS) {
          const m = re.exec(text);
          if (m) {
            add('secret', 'error', file.path, line, `possible ${name} committed`, text.replace(m[0], mask(m[0])));
            secret = true;
            break;
          }
        }
        const cred = CREDENTIAL_ASSIGNMENT.exec(text);
        if (!secret && cred && !PLACEHOLDER.test(cred[2]!) && !/process\.env|os\.environ|getenv/.test(text) && entropy(cred[2]!) >= 3) add('secret', 'error', file.path, line, `hard-coded credential in ${cred[1]}`, text.replace(cred[2]!, mask(cred[2]!)));
        if (isTest && /\b(it|describe|test|context)\.only\s*\(|\b(fit|fdescribe)\s*\(/.test(text)) add('focused_test', 'error', file.path, line, 'focused test: the rest of the suite will not run', text);
        if (isTest && /\b(it|describe|test)\.skip\s*\(|\b(xit|xdescribe)\s*\(/.test(text)) add('skipped_test', 'info', file.path, line, 'skipped test', text);
        if (CODE_FILE.test(file.path) && /(^|[^.\w])eval\s*\(|\bnew Function\s*\(/.test(text)) add('eval', 'error', file.path, line, 'eval or new Function runs strings as code', text);
        if (TS_FILE.test(file.path) && /@ts-ignore|@ts-nocheck/.test(text)) add('type_suppression', 'warning', file.path, line, 'type checking suppressed (prefer @ts-expect-error with a reason)', text);
        if (/eslint-disable(?!-next-line\s+\S)/.test(text)) add('type_suppression', 'warning', file.path, line, 'lint rules disabled wholesale', text);
        if (/\b(query|execute|raw|exec)\s*\(\s*(["'`]\s*(SELECT|INSERT|UPDATE|DELETE)\b[^"'`]*["'`]\s*\+|`\s*(SELECT|INSERT|UPDATE|DELETE)\b[^`]*\$\{)/i.test(text)) add('sql_concatenation', 'warning', file.path, line, 'SQL built from strings: use parameters', text);
      }
      // Functions added whole: from the line opening them to the brace (or indentation) that closes them.
      if (CODE_FILE.test(file.path)) {
        const added = file.added;
        for (let i = 0; i < added.length; i++) {
          const { line, text } = added[i]!;
          const py = PY_FILE.test(file.path) && /^\s*(async\s+)?def\s+\w+/.exec(text);
          const jsStart = !PY_FILE.test(file.path) && /(\bfunction\b[\s\w$]*\(|=>\s*\{\s*$|^\s*(public |private |protected |static |async |export |override )*[A-Za-z_$][\w$]*\s*\([^)]*\)\s*(:\s*[^={]+)?\{\s*$)/.test(text) && !/^\s*(if|for|while|switch|catch|else|do|return)\b/.test(text);
          if (!py && !jsStart) continue;
          let length = 1;
          if (py) {
            const indent = /^\s*/.exec(text)![0].length;
            for (let j = i + 1; j < added.length && added[j]!.line === added[j - 1]!.line + 1; j++) {
              const t = added[j]!.text;
              if (t.trim() && /^\s*/.exec(t)![0].length <= indent) break;
              length++;
            }
          } else {
            let depth = 0;
            let opened = false;
            for (let j = i; j < added.length && (j === i || added[j]!.line === added[j - 1]!.line + 1); j++) {
              const t = added[j]!.text.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""').replace(/\/\/.*$/, '');
              for (const ch of t) {
                if (ch === '{') {
                  depth++;
                  opened = true;
                } else if (ch === '}') depth--;
              }
              if (j > i) length++;
              if (opened && depth <= 0) break;
            }
          }
          if (length > inputs.max_function_lines) add('long_function', 'warning', file.path, line, `function of ${length} lines (more than ${inputs.max_function_lines}): consider splitting it`, text);
        }
      }
    }
    const sources = files.filter((f) => f.status !== 'deleted' && f.additions > 0 && CODE_FILE.test(f.path) && !TEST_FILE.test(f.path) && !NOT_SOURCE.test(f.path));
    if (sources.length > 0 && !files.some((f) => TEST_FILE.test(f.path))) add('missing_tests', 'warning', sources[0]!.path, 0, `${sources.length} source file${sources.length === 1 ? '' : 's'} changed without any test file changed`, sources.map((f) => f.path).join(', '));
    const additions = files.reduce((s, f) => s + f.additions, 0);
    const deletions = files.reduce((s, f) => s + f.deletions, 0);
    if (additions > 500) add('large_diff', 'info', files[0]!.path, 0, `${additions} lines added: a large change is hard to review; consider splitting it`);

    const order = { error: 0, warning: 1, info: 2 };
    findings.sort((a, b) => order[a.severity] - order[b.severity] || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    const infos = findings.length - errors - warnings;
    const verdict = errors ? ('request_changes' as const) : warnings ? ('comment' as const) : ('approve' as const);
    const score = Math.max(0, 100 - 15 * errors - 5 * warnings - infos);
    const headline = { request_changes: '**Changes requested**', comment: '**Comments**', approve: '**Looks good**' }[verdict];
    const review = [
      `${headline}: ${files.length} file${files.length === 1 ? '' : 's'}, +${additions} −${deletions}; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${infos} note${infos === 1 ? '' : 's'}.`,
      ...findings.slice(0, 50).map((f) => `- ${f.severity === 'error' ? '🔴' : f.severity === 'warning' ? '🟡' : '🔵'} \`${f.file}${f.line ? `:${f.line}` : ''}\` ${f.message}`),
      ...(findings.length > 50 ? [`- …and ${findings.length - 50} more`] : []),
    ].join('\n');
    return {
      verdict,
      score,
      findings,
      files: files.map((f) => ({ path: f.path, status: f.status, additions: f.additions, deletions: f.deletions, is_test: TEST_FILE.test(f.path) })),
      summary: { files_changed: files.length, additions, deletions, errors, warnings, infos },
      review,
    };
  },
});
