import { useId, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, Plus, Trash2 } from 'lucide-react';
// The server's own schema, imported as one module (the domain's index pulls node:crypto).
import {
  AGENT_CAPABILITIES,
  AGENT_CATEGORIES,
  AGENT_CURRENCIES,
  AGENT_FIELD_TYPES,
  AGENT_PRICING_MODELS,
  manifestProblems,
  type Problem,
} from '../../../../../packages/domain/src/agents/agent-manifest.ts';
import { api, ApiError, idempotencyKey, unwrap } from '@/api/client';
import { PRICING_LABELS, CATEGORY_LABELS } from '@/api/queries';
import { canWrite, useSession } from '@/auth/session';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Input, Select } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { formatMoney } from '@/lib/money';
import { cn } from '@/lib/cn';
import { apiChecks, apiFieldErrors, useDeveloper, type Developer, type RegisteredVersion } from './api';
import { Checks } from './checks';

type Json = Record<string, unknown>;

function template(developer: Developer): Json {
  return {
    id: 'agt_',
    name: '',
    version: '1.0.0',
    description: '',
    author: { developer_id: developer.developer_id, name: developer.name, email: developer.email },
    pricing: { model: 'per_execution', amount: 100, currency: 'USD' },
    inputs: [],
    outputs: [],
    capabilities: [],
    runtime: { language: 'nodejs', version: '20', entrypoint: 'index.js', timeout_ms: 5000, memory_mb: 64 },
    metadata: { category: 'productivity', tags: [] },
  };
}

function example(developer: Developer): Json {
  const suffix = Date.now().toString(36);
  return {
    ...template(developer),
    id: `agt_hello_${suffix}`,
    name: 'Hello World',
    description: 'Greets someone by name.',
    inputs: [{ name: 'name', type: 'string', required: true, description: 'Who to greet' }],
    outputs: [{ name: 'greeting', type: 'string' }],
    metadata: { category: 'productivity', tags: ['demo'], homepage: 'https://example.com' },
  };
}

const EXAMPLE_CODE = 'export default async function handler(inputs) {\n  return { greeting: `Hello, ${inputs.name}` };\n}\n';

// --- paths into the JSON value -------------------------------------------------------------

function getAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Json)[key];
  }
  return current;
}

/** A copy of `root` with `path` set (undefined deletes the key, so optional fields are left out). */
function setAt(root: Json, path: string, next: unknown): Json {
  const [head, ...rest] = path.split('.');
  const key = head!;
  const copy: Json | unknown[] = Array.isArray(root) ? [...(root as unknown[])] : { ...root };
  const target = copy as Json;
  if (rest.length === 0) {
    if (next === undefined && !Array.isArray(copy)) delete target[key];
    else target[key] = next;
  } else {
    const child = target[key];
    target[key] = setAt(child !== null && typeof child === 'object' ? (child as Json) : {}, rest.join('.'), next);
  }
  return copy as Json;
}

function numberOrRaw(text: string): unknown {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

// --- fields --------------------------------------------------------------------------------

interface FieldCtx {
  manifest: Json;
  set: (path: string, value: unknown) => void;
  problemsAt: (path: string) => Problem[];
  touch: (path: string) => void;
}

function FieldErrors({ id, problems }: { id: string; problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul id={id} className="mt-1 flex flex-col gap-0.5 text-sm text-red-800">
      {problems.map((p, i) => (
        <li key={i}>{p.message}</li>
      ))}
    </ul>
  );
}

function Field({
  ctx,
  path,
  label,
  hint,
  type = 'text',
  numeric = false,
  readOnly = false,
  multiline = false,
  className,
}: {
  ctx: FieldCtx;
  path: string;
  label: string;
  hint?: ReactNode;
  type?: string;
  numeric?: boolean;
  readOnly?: boolean;
  multiline?: boolean;
  className?: string;
}) {
  const id = useId();
  const problems = ctx.problemsAt(path);
  const raw = getAt(ctx.manifest, path);
  const value = raw === undefined || raw === null ? '' : String(raw);
  const describedBy = [problems.length ? `${id}-errors` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  const onChange = (text: string) => ctx.set(path, numeric ? numberOrRaw(text) : text === '' && isOptional(path) ? undefined : text);
  const common = {
    id,
    value,
    readOnly,
    'aria-invalid': problems.length > 0 || undefined,
    'aria-describedby': describedBy,
    onBlur: () => ctx.touch(path),
  };
  return (
    <div className={cn('flex flex-col gap-1.5', className)}>
      <Label htmlFor={id}>{label}</Label>
      {multiline ? (
        <textarea
          {...common}
          rows={3}
          onChange={(e) => onChange(e.target.value)}
          className="w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600 aria-invalid:border-red-700"
        />
      ) : (
        <Input {...common} type={type} inputMode={numeric ? 'numeric' : undefined} onChange={(e) => onChange(e.target.value)} className={readOnly ? 'bg-slate-100' : undefined} />
      )}
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      <FieldErrors id={`${id}-errors`} problems={problems} />
    </div>
  );
}

const OPTIONAL = /(^|\.)(description|homepage|documentation)$/;
function isOptional(path: string): boolean {
  return OPTIONAL.test(path);
}

function SelectField({ ctx, path, label, options }: { ctx: FieldCtx; path: string; label: string; options: readonly { value: string; label: string }[] }) {
  const id = useId();
  const problems = ctx.problemsAt(path);
  const raw = getAt(ctx.manifest, path);
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Select
        id={id}
        value={typeof raw === 'string' ? raw : ''}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={problems.length ? `${id}-errors` : undefined}
        onChange={(e) => ctx.set(path, e.target.value)}
      >
        {typeof raw !== 'string' && <option value="">Choose…</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
      <FieldErrors id={`${id}-errors`} problems={problems} />
    </div>
  );
}

const TYPE_OPTIONS = AGENT_FIELD_TYPES.map((t) => ({ value: t, label: t }));

function IoFields({ ctx, which }: { ctx: FieldCtx; which: 'inputs' | 'outputs' }) {
  const list = getAt(ctx.manifest, which);
  const rows = Array.isArray(list) ? (list as Json[]) : [];
  const title = which === 'inputs' ? 'Inputs' : 'Outputs';
  const groupProblems = ctx.problemsAt(which);
  return (
    <fieldset className="flex flex-col gap-3 rounded-md border border-slate-200 p-4">
      <legend className="px-1 text-sm font-semibold text-slate-900">{title}</legend>
      <p className="text-xs text-slate-600">
        {which === 'inputs' ? 'What a run receives; checked before anything is charged.' : 'What the handler returns; an output is required unless unticked.'}
      </p>
      {rows.length === 0 && <p className="text-sm text-slate-600">No {which} yet.</p>}
      {rows.map((row, index) => {
        const base = `${which}.${index}`;
        const required = row.required;
        return (
          <div key={index} className="grid gap-3 rounded-md bg-slate-50 p-3 sm:grid-cols-[1fr_8rem_auto] lg:grid-cols-[1fr_8rem_auto_2fr_auto]">
            <Field ctx={ctx} path={`${base}.name`} label={`${title.slice(0, -1)} ${index + 1} name`} />
            <SelectField ctx={ctx} path={`${base}.type`} label="Type" options={TYPE_OPTIONS} />
            <div className="flex items-center gap-2 pt-6">
              <input
                id={`${base}-required`}
                type="checkbox"
                className="h-4 w-4 accent-indigo-700"
                checked={which === 'inputs' ? required === true : required !== false}
                onChange={(e) => ctx.set(`${base}.required`, which === 'inputs' ? e.target.checked : e.target.checked ? undefined : false)}
              />
              <Label htmlFor={`${base}-required`}>Required</Label>
            </div>
            <Field ctx={ctx} path={`${base}.description`} label="Description (optional)" className="sm:col-span-3 lg:col-span-1" />
            <div className="flex items-end">
              <Button
                type="button"
                variant="ghost"
                size="sm"
                aria-label={`Remove ${which.slice(0, -1)} ${index + 1}`}
                onClick={() => ctx.set(which, rows.filter((_, i) => i !== index))}
              >
                <Trash2 className="h-4 w-4" aria-hidden="true" /> Remove
              </Button>
            </div>
          </div>
        );
      })}
      <FieldErrors id={`${which}-errors`} problems={groupProblems} />
      <div>
        <Button
          type="button"
          variant="secondary"
          size="sm"
          onClick={() => ctx.set(which, [...rows, which === 'inputs' ? { name: '', type: 'string', required: true } : { name: '', type: 'string' }])}
        >
          <Plus className="h-4 w-4" aria-hidden="true" /> Add {which === 'inputs' ? 'an input' : 'an output'}
        </Button>
      </div>
    </fieldset>
  );
}

function Capabilities({ ctx }: { ctx: FieldCtx }) {
  const raw = getAt(ctx.manifest, 'capabilities');
  const chosen = Array.isArray(raw) ? (raw as unknown[]) : [];
  return (
    <fieldset className="flex flex-col gap-2 rounded-md border border-slate-200 p-4">
      <legend className="px-1 text-sm font-semibold text-slate-900">Capabilities</legend>
      <p className="text-xs text-slate-600">What the sandbox lets the code reach. The server refuses capabilities it does not support yet (capability_not_supported).</p>
      <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
        {AGENT_CAPABILITIES.map((cap) => (
          <div key={cap} className="flex items-center gap-2">
            <input
              id={`cap-${cap}`}
              type="checkbox"
              className="h-4 w-4 accent-indigo-700"
              checked={chosen.includes(cap)}
              onChange={(e) => ctx.set('capabilities', e.target.checked ? [...chosen, cap] : chosen.filter((c) => c !== cap))}
            />
            <Label htmlFor={`cap-${cap}`} className="font-mono text-xs">
              {cap}
            </Label>
          </div>
        ))}
      </div>
      <FieldErrors id="capabilities-errors" problems={ctx.problemsAt('capabilities')} />
    </fieldset>
  );
}

function TagsField({ ctx }: { ctx: FieldCtx }) {
  const id = useId();
  const raw = getAt(ctx.manifest, 'metadata.tags');
  const [text, setText] = useState(() => (Array.isArray(raw) ? raw.join(', ') : ''));
  const problems = ctx.problemsAt('metadata.tags');
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>Tags</Label>
      <Input
        id={id}
        value={text}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={`${id}-hint${problems.length ? ` ${id}-errors` : ''}`}
        onChange={(e) => {
          setText(e.target.value);
          ctx.set(
            'metadata.tags',
            e.target.value
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          );
        }}
      />
      <p id={`${id}-hint`} className="text-xs text-slate-600">
        Comma-separated, at most 20.
      </p>
      <FieldErrors id={`${id}-errors`} problems={problems} />
    </div>
  );
}

function ManifestForm({ ctx }: { ctx: FieldCtx }) {
  const amount = getAt(ctx.manifest, 'pricing.amount');
  const currency = getAt(ctx.manifest, 'pricing.currency');
  const pricePreview = typeof amount === 'number' && Number.isSafeInteger(amount) && typeof currency === 'string' ? formatMoney(amount, currency) : null;
  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="m-agent" className="grid gap-4 sm:grid-cols-2">
        <h3 id="m-agent" className="text-sm font-semibold text-slate-900 sm:col-span-2">
          The agent
        </h3>
        <Field ctx={ctx} path="id" label="Agent id" hint="agt_ then lower-case letters, digits and _; yours once registered." />
        <Field ctx={ctx} path="name" label="Name" />
        <Field ctx={ctx} path="version" label="Version" hint="MAJOR.MINOR.PATCH, higher than every earlier version." />
        <SelectField ctx={ctx} path="metadata.category" label="Category" options={AGENT_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] }))} />
        <Field ctx={ctx} path="description" label="Description" multiline className="sm:col-span-2" />
        <TagsField ctx={ctx} />
        <Field ctx={ctx} path="metadata.homepage" label="Homepage (optional)" type="url" />
        <Field ctx={ctx} path="metadata.documentation" label="Documentation (optional)" type="url" />
      </section>
      <section aria-labelledby="m-pricing" className="grid gap-4 sm:grid-cols-3">
        <h3 id="m-pricing" className="text-sm font-semibold text-slate-900 sm:col-span-3">
          Pricing
        </h3>
        <SelectField ctx={ctx} path="pricing.model" label="Model" options={AGENT_PRICING_MODELS.map((m) => ({ value: m, label: PRICING_LABELS[m] }))} />
        <Field ctx={ctx} path="pricing.amount" label="Amount (minor units)" numeric hint={pricePreview ? `= ${pricePreview}` : 'Cents or paise: 19900 is 199.00.'} />
        <SelectField ctx={ctx} path="pricing.currency" label="Currency" options={AGENT_CURRENCIES.map((c) => ({ value: c, label: c }))} />
      </section>
      <IoFields ctx={ctx} which="inputs" />
      <IoFields ctx={ctx} which="outputs" />
      <Capabilities ctx={ctx} />
      <section aria-labelledby="m-runtime" className="grid gap-4 sm:grid-cols-3">
        <h3 id="m-runtime" className="text-sm font-semibold text-slate-900 sm:col-span-3">
          Runtime
        </h3>
        <Field ctx={ctx} path="runtime.language" label="Language" hint="Only nodejs runs." />
        <Field ctx={ctx} path="runtime.version" label="Runtime version" />
        <Field ctx={ctx} path="runtime.entrypoint" label="Entrypoint" />
        <Field ctx={ctx} path="runtime.timeout_ms" label="Timeout (ms)" numeric />
        <Field ctx={ctx} path="runtime.memory_mb" label="Memory (MB)" numeric />
      </section>
      <section aria-labelledby="m-author" className="grid gap-4 sm:grid-cols-3">
        <h3 id="m-author" className="text-sm font-semibold text-slate-900 sm:col-span-3">
          Author
        </h3>
        <Field ctx={ctx} path="author.developer_id" label="Developer id" readOnly hint="Yours; the server refuses any other." />
        <Field ctx={ctx} path="author.name" label="Author name" />
        <Field ctx={ctx} path="author.email" label="Author email" type="email" />
      </section>
    </div>
  );
}

// --- the page ------------------------------------------------------------------------------

interface CodeFile {
  name: string;
  size: number;
  text: string;
}

function Registered({ result }: { result: RegisteredVersion }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">
          Registered {result.agent_id} v{result.version}
        </CardTitle>
        <CardDescription>
          It waits for review ({result.status.replaceAll('_', ' ')}); a platform admin approves or rejects it, with a reason you will see on the{' '}
          <Link className="text-indigo-700 underline" to="/developer">
            Developer
          </Link>{' '}
          page.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <p className="font-mono text-xs break-all text-slate-600">
          sha256 {result.code_sha256} · {result.code_size.toLocaleString()} bytes
        </p>
        <h3 className="text-sm font-semibold text-slate-900">Static checks</h3>
        <Checks checks={result.checks} />
        <div className="flex flex-wrap gap-2">
          <Button asChild>
            <Link to="/developer">Back to your agents</Link>
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}

function RegisterForm({ developer }: { developer: Developer }) {
  const queryClient = useQueryClient();
  const session = useSession();
  const [manifest, setManifest] = useState<Json>(() => template(developer));
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [jsonText, setJsonText] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [submitted, setSubmitted] = useState(false);
  const [code, setCode] = useState<CodeFile | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);
  const fileId = useId();

  const live = useMemo(() => manifestProblems(manifest), [manifest]);
  const register = useMutation({
    mutationFn: async (body: { manifest: Json; code: string }) =>
      unwrap(api.POST('/agents/register', { body, headers: { 'idempotency-key': idempotencyKey() } })),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: [session?.userId ?? 'anonymous', 'my-agents'] });
      await queryClient.invalidateQueries({ queryKey: [session?.userId ?? 'anonymous', 'agent', result.agent_id] });
      await queryClient.invalidateQueries({ queryKey: [session?.userId ?? 'anonymous', 'agents'] });
    },
  });
  const serverProblems = register.isError ? apiFieldErrors(register.error) : [];
  const serverChecks = register.isError ? apiChecks(register.error) : [];

  const shown = (path: string) => submitted || [...touched].some((t) => path === t || path.startsWith(`${t}.`) || t.startsWith(`${path}.`));
  const ctx: FieldCtx = {
    manifest,
    set: (path, value) => {
      setManifest((m) => setAt(m, path, value));
      setTouched((t) => new Set(t).add(path));
      if (register.isError) register.reset();
    },
    touch: (path) => setTouched((t) => (t.has(path) ? t : new Set(t).add(path))),
    problemsAt: (path) => [...(shown(path) ? live.filter((p) => p.path === path) : []), ...serverProblems.filter((p) => p.path === path)],
  };

  if (register.isSuccess) return <Registered result={register.data} />;

  const switchMode = (next: 'form' | 'json') => {
    if (next === mode) return;
    if (next === 'json') {
      setJsonText(JSON.stringify(manifest, null, 2));
      setJsonError(null);
      setMode('json');
    } else if (!jsonError) {
      setFormKey((k) => k + 1);
      setMode('form');
    }
  };

  const onJson = (text: string) => {
    setJsonText(text);
    if (register.isError) register.reset();
    try {
      const value: unknown = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        setJsonError('The manifest must be a JSON object.');
        return;
      }
      setJsonError(null);
      setManifest(value as Json);
    } catch (err) {
      setJsonError(`Not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const onFile = async (file: File | undefined) => {
    setCodeError(null);
    if (!file) {
      setCode(null);
      return;
    }
    if (file.size > 5 * 1024 * 1024) {
      setCode(null);
      setCodeError('The code is over 5 MiB; the server refuses it (invalid_code).');
      return;
    }
    setCode({ name: file.name, size: file.size, text: await file.text() });
  };

  const allProblems = [...(jsonError ? [] : live), ...serverProblems.filter((s) => !live.some((l) => l.path === s.path && l.message === s.message))];

  return (
    <form
      key={formKey}
      noValidate
      className="flex flex-col gap-6"
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (!code) setCodeError('Choose the code file: one self-contained ES module whose default export is the handler.');
        if (jsonError || live.length > 0 || !code) return;
        register.mutate({ manifest, code: code.text });
      }}
    >
      <Card>
        <CardHeader className="sm:flex-row sm:items-start sm:justify-between">
          <div>
            <CardTitle as="h2">Manifest</CardTitle>
            <CardDescription>Checked as you type against the server&apos;s own schema (AgentManifestSchema).</CardDescription>
          </div>
          <div className="flex flex-wrap gap-2" role="group" aria-label="Edit the manifest as">
            <Button type="button" size="sm" variant={mode === 'form' ? 'default' : 'secondary'} aria-pressed={mode === 'form'} onClick={() => switchMode('form')} disabled={mode === 'json' && jsonError !== null}>
              Form
            </Button>
            <Button type="button" size="sm" variant={mode === 'json' ? 'default' : 'secondary'} aria-pressed={mode === 'json'} onClick={() => switchMode('json')}>
              JSON
            </Button>
            <Button
              type="button"
              size="sm"
              variant="ghost"
              onClick={() => {
                const next = example(developer);
                setManifest(next);
                setJsonText(JSON.stringify(next, null, 2));
                setJsonError(null);
                setFormKey((k) => k + 1);
                if (!code) setCode({ name: 'index.js (example)', size: EXAMPLE_CODE.length, text: EXAMPLE_CODE });
                setCodeError(null);
              }}
            >
              Fill in the Hello World example
            </Button>
          </div>
        </CardHeader>
        <CardContent>
          {mode === 'form' ? (
            <ManifestForm ctx={ctx} />
          ) : (
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="manifest-json">Manifest JSON</Label>
              <textarea
                id="manifest-json"
                value={jsonText}
                spellCheck={false}
                rows={24}
                aria-invalid={jsonError !== null || allProblems.length > 0 || undefined}
                aria-describedby="manifest-problems"
                onChange={(e) => onJson(e.target.value)}
                className="w-full rounded-md border border-slate-400 bg-white px-3 py-2 font-mono text-xs text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600 aria-invalid:border-red-700"
              />
              {jsonError && <p className="text-sm text-red-800">{jsonError}</p>}
            </div>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle as="h2">Code</CardTitle>
          <CardDescription>One self-contained ES module (bundle dependencies in) whose default export is the handler; at most 5 MiB.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-1.5">
          <Label htmlFor={fileId}>Code file</Label>
          <input
            id={fileId}
            type="file"
            accept=".js,.mjs,text/javascript,application/javascript"
            aria-invalid={codeError !== null || undefined}
            aria-describedby={`${fileId}-status`}
            onChange={(e) => void onFile(e.target.files?.[0])}
            className="block w-full text-sm text-slate-900 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-2 file:text-sm file:font-medium hover:file:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
          />
          <div id={`${fileId}-status`} className="text-sm">
            {code && (
              <p className="text-slate-700">
                {code.name} · {code.size.toLocaleString()} bytes
              </p>
            )}
            {codeError && <p className="text-red-800">{codeError}</p>}
          </div>
          {serverChecks.length > 0 && (
            <div className="mt-2">
              <h3 className="mb-1 text-sm font-semibold text-slate-900">Static checks of this upload</h3>
              <Checks checks={serverChecks} />
            </div>
          )}
        </CardContent>
      </Card>

      <div id="manifest-problems" aria-live="polite">
        {(submitted || mode === 'json') && allProblems.length > 0 && (
          <Alert variant="destructive">
            <AlertTitle>
              {allProblems.length} {allProblems.length === 1 ? 'problem' : 'problems'} in the manifest
            </AlertTitle>
            <AlertDescription>
              <ul className="list-disc pl-5">
                {allProblems.map((p, i) => (
                  <li key={i}>
                    <span className="font-mono text-xs">{p.path || '(manifest)'}</span> {p.message}
                  </li>
                ))}
              </ul>
            </AlertDescription>
          </Alert>
        )}
      </div>
      {register.isError && !(register.error instanceof ApiError && register.error.code === 'invalid_manifest') && (
        <ErrorState error={register.error} title="The agent was not registered" />
      )}
      {register.isError && register.error instanceof ApiError && register.error.code === 'invalid_manifest' && (
        <ErrorState error={register.error} title="The server refused the manifest" />
      )}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={register.isPending}>
          {register.isPending ? 'Registering…' : 'Register for review'}
        </Button>
        <span className="text-sm text-slate-600" aria-live="polite">
          {live.length === 0 ? 'The manifest is valid.' : `${live.length} ${live.length === 1 ? 'problem' : 'problems'} left.`}
        </span>
      </div>
    </form>
  );
}

export default function RegisterAgent() {
  const session = useSession();
  const developer = useDeveloper();
  const back = (
    <Link to="/developer" className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-indigo-700 hover:underline">
      <ArrowLeft className="h-4 w-4" aria-hidden="true" /> Developer portal
    </Link>
  );
  return (
    <div>
      {back}
      <PageHeader title="Register an agent" description="Upload a manifest and the code; the version waits for a platform admin's review." />
      {!canWrite(session) ? (
        <EmptyState title="Viewers cannot register agents">Ask an owner, admin or member of your organization.</EmptyState>
      ) : developer.isError ? (
        <ErrorState error={developer.error} onRetry={() => void developer.refetch()} />
      ) : developer.data === undefined ? (
        <LoadingRows rows={4} label="Loading your developer profile" />
      ) : developer.data === null ? (
        <EmptyState title="Your organization is not a developer yet">
          <Link className="text-indigo-700 underline" to="/developer">
            Become a developer
          </Link>{' '}
          first.
        </EmptyState>
      ) : (
        <RegisterForm developer={developer.data} />
      )}
    </div>
  );
}
