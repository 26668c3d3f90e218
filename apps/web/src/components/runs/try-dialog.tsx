import { useMemo, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, ApiError, idempotencyKey, unwrap } from '@/api/client';
import { useDeployments, useInvalidateRuns } from '@/api/runs';
import { ErrorState, LoadingRows } from '@/components/states';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from '@/components/ui/dialog';
import { Input, Select } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { formatMoney } from '@/lib/money';
import { RunView } from './run-view';

interface FieldSchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  default?: unknown;
}
type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'json';

function kindOf(s: FieldSchema): Kind {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t === 'string' || t === 'number' || t === 'integer' || t === 'boolean') return t;
  return 'json';
}

/** Turns the form's text values into the inputs object, or the problems per field. */
function buildInputs(props: Record<string, FieldSchema>, required: Set<string>, values: Record<string, string>): { inputs: Record<string, unknown>; problems: Record<string, string> } {
  const inputs: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  for (const [name, schema] of Object.entries(props)) {
    const raw = values[name] ?? '';
    const kind = kindOf(schema);
    if (kind === 'boolean') {
      if (raw !== '') inputs[name] = raw === 'true';
      else if (required.has(name)) problems[name] = 'Choose true or false.';
      continue;
    }
    if (raw.trim() === '') {
      if (required.has(name)) problems[name] = 'Required.';
      continue;
    }
    if (kind === 'string') inputs[name] = raw;
    else if (kind === 'number' || kind === 'integer') {
      const n = Number(raw);
      if (!Number.isFinite(n) || (kind === 'integer' && !Number.isInteger(n))) problems[name] = kind === 'integer' ? 'A whole number.' : 'A number.';
      else inputs[name] = n;
    } else {
      try {
        inputs[name] = JSON.parse(raw);
      } catch {
        problems[name] = 'Not valid JSON.';
      }
    }
  }
  return { inputs, problems };
}

function initialValues(props: Record<string, FieldSchema>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, s] of Object.entries(props)) {
    if (s.default === undefined) values[name] = '';
    else values[name] = kindOf(s) === 'json' ? JSON.stringify(s.default, null, 2) : String(s.default);
  }
  return values;
}

interface TryAgent {
  agent_id: string;
  name: string;
  input_schema: Record<string, unknown>;
}

/** "Try": a form generated from the agent's input schema, one of your deployments, then the run live. */
export function TryDialog({ agent, open, onOpenChange, deploymentId }: { agent: TryAgent; open: boolean; onOpenChange: (open: boolean) => void; deploymentId?: string }) {
  const props = useMemo(() => (agent.input_schema.properties ?? {}) as Record<string, FieldSchema>, [agent.input_schema]);
  const required = useMemo(() => new Set(Array.isArray(agent.input_schema.required) ? (agent.input_schema.required as string[]) : []), [agent.input_schema]);
  const deployments = useDeployments({ agent_id: agent.agent_id });
  const usable = deployments.data?.data.filter((d) => d.status !== 'deleted') ?? [];
  const [chosen, setChosen] = useState(deploymentId ?? '');
  const selected = chosen || usable.find((d) => d.status === 'active')?.deployment_id || '';
  const [values, setValues] = useState(() => initialValues(props));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const invalidate = useInvalidateRuns();
  const run = useMutation({
    mutationFn: (inputs: Record<string, unknown>) =>
      unwrap(api.POST('/agents/{id}/execute', { params: { path: { id: agent.agent_id } }, body: { deployment_id: selected, inputs }, headers: { 'idempotency-key': idempotencyKey() } })),
    onSuccess: () => void invalidate(),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const built = buildInputs(props, required, values);
    setProblems(built.problems);
    if (Object.keys(built.problems).length === 0 && selected) run.mutate(built.inputs);
  }
  // The server's own check (400 invalid_inputs) lists problems by path.
  const serverProblems = run.error instanceof ApiError && Array.isArray(run.error.details.errors) ? (run.error.details.errors as { path?: string; message?: string }[]) : [];

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        onOpenChange(o);
        if (!o) run.reset();
      }}
    >
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Try {agent.name}</DialogTitle>
          <DialogDescription>Runs the agent on one of your deployments; the price is paid like any run.</DialogDescription>
        </DialogHeader>
        {run.data ? (
          <div className="flex flex-col gap-4">
            <RunView executionId={run.data.execution_id} compact />
            <DialogFooter>
              <Button variant="secondary" onClick={() => run.reset()}>
                Run again
              </Button>
              <Button onClick={() => onOpenChange(false)}>Close</Button>
            </DialogFooter>
          </div>
        ) : (
          <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
            {deployments.isError ? (
              <ErrorState title="Could not load your deployments" error={deployments.error} onRetry={() => void deployments.refetch()} />
            ) : !deployments.data ? (
              <LoadingRows rows={1} label="Loading your deployments" />
            ) : usable.length === 0 ? (
              <p className="text-sm text-slate-700">You have not deployed this agent yet: deploy it first.</p>
            ) : (
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="try-deployment">Deployment</Label>
                <Select id="try-deployment" value={selected} onChange={(e) => setChosen(e.target.value)}>
                  {usable.map((d) => (
                    <option key={d.deployment_id} value={d.deployment_id}>
                      {d.deployment_id} · {d.status} · {formatMoney(d.pricing.amount, d.pricing.currency)}
                    </option>
                  ))}
                </Select>
              </div>
            )}
            {Object.keys(props).length === 0 && <p className="text-sm text-slate-600">This agent takes no inputs.</p>}
            {Object.entries(props).map(([name, schema]) => {
              const id = `try-input-${name}`;
              const kind = kindOf(schema);
              const problem = problems[name];
              const describedBy = [schema.description ? `${id}-help` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
              const common = { id, 'aria-invalid': problem ? true : undefined, 'aria-describedby': describedBy, value: values[name] ?? '' };
              const set = (v: string) => setValues((old) => ({ ...old, [name]: v }));
              return (
                <div key={name} className="flex flex-col gap-1.5">
                  <Label htmlFor={id}>
                    {name}
                    {required.has(name) ? <span className="text-red-800"> *</span> : <span className="font-normal text-slate-600"> (optional)</span>}
                    <span className="ml-2 font-normal text-slate-600">{kind === 'json' ? `${String(schema.type ?? 'any')}, JSON` : kind}</span>
                  </Label>
                  {kind === 'boolean' ? (
                    <Select {...common} onChange={(e) => set(e.target.value)}>
                      <option value="">—</option>
                      <option value="true">true</option>
                      <option value="false">false</option>
                    </Select>
                  ) : Array.isArray(schema.enum) && kind === 'string' ? (
                    <Select {...common} onChange={(e) => set(e.target.value)}>
                      <option value="">—</option>
                      {schema.enum.map((v) => (
                        <option key={String(v)} value={String(v)}>
                          {String(v)}
                        </option>
                      ))}
                    </Select>
                  ) : kind === 'json' ? (
                    <textarea
                      {...common}
                      rows={4}
                      spellCheck={false}
                      onChange={(e) => set(e.target.value)}
                      className="w-full rounded-md border border-slate-400 bg-white px-3 py-2 font-mono text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600 aria-invalid:border-red-700"
                    />
                  ) : (
                    <Input {...common} type={kind === 'string' ? 'text' : 'number'} step={kind === 'integer' ? 1 : 'any'} onChange={(e) => set(e.target.value)} />
                  )}
                  {schema.description && (
                    <p id={`${id}-help`} className="text-xs text-slate-600">
                      {schema.description}
                    </p>
                  )}
                  {problem && (
                    <p id={`${id}-error`} className="text-sm text-red-800">
                      {problem}
                    </p>
                  )}
                </div>
              );
            })}
            {run.isError && (
              <div>
                <ErrorState title="The run was refused" error={run.error} />
                {serverProblems.length > 0 && (
                  <ul className="mt-2 list-disc pl-5 text-sm text-red-800">
                    {serverProblems.map((p, i) => (
                      <li key={i}>
                        <span className="font-mono">{p.path || '(inputs)'}</span>: {p.message}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            )}
            <DialogFooter>
              <Button type="button" variant="secondary" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button type="submit" disabled={!selected || run.isPending}>
                {run.isPending ? 'Starting…' : 'Run'}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
