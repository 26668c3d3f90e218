import { Link, useParams } from 'react-router';
import { ArrowLeft } from 'lucide-react';
import { ApiError } from '@/api/client';
import { CATEGORY_LABELS, PRICING_LABELS, useAgent, type AgentDetail as Agent } from '@/api/queries';
import { formatPricing, formatSuccessRate } from '@/components/agents';
import { SchemaTable } from '@/components/json-schema';
import { AgentActions } from '@/components/runs/agent-actions';
import { EmptyState, ErrorState, LoadingRows } from '@/components/states';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatDate, formatDateTime, formatDuration } from '@/lib/time';

const VERSION_BADGE = { approved: 'success', pending_review: 'warning', rejected: 'danger' } as const;

function Facts({ agent }: { agent: Agent }) {
  const rows: [string, string][] = [
    ['Price', formatPricing(agent.manifest.pricing)],
    ['Pricing model', PRICING_LABELS[agent.manifest.pricing.model]],
    ['Deployments', agent.stats.deployments.toLocaleString()],
    ['Runs finished', agent.stats.executions.toLocaleString()],
    ['Success rate', formatSuccessRate(agent.stats.success_rate)],
    ['Median run', formatDuration(agent.stats.p50_duration_ms)],
    ['Time limit', formatDuration(agent.manifest.runtime.timeout_ms)],
    ['Memory limit', `${agent.manifest.runtime.memory_mb} MB`],
    ['Listed since', formatDate(agent.created_at)],
  ];
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="text-slate-600">{label}</dt>
          <dd className="font-medium text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export default function AgentDetail() {
  const { agentId = '' } = useParams();
  const agent = useAgent(agentId);

  const back = (
    <Link to="/marketplace" className="mb-4 inline-flex items-center gap-1 text-sm font-medium text-indigo-700 hover:underline">
      <ArrowLeft className="h-4 w-4" aria-hidden="true" /> All agents
    </Link>
  );
  if (agent.isError) {
    const missing = agent.error instanceof ApiError && (agent.error.status === 404 || agent.error.code === 'validation_error');
    return (
      <div>
        {back}
        {missing ? <EmptyState title="No such agent">It may have been removed or never listed.</EmptyState> : <ErrorState error={agent.error} onRetry={() => void agent.refetch()} />}
      </div>
    );
  }
  if (!agent.data) {
    return (
      <div>
        {back}
        <LoadingRows rows={5} label="Loading the agent" />
      </div>
    );
  }
  const a = agent.data;
  const { manifest } = a;
  return (
    <div>
      {back}
      <div className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl">{manifest.name}</h1>
            <Badge variant="neutral">v{a.version}</Badge>
            {a.status !== 'listed' && <Badge variant="warning">{a.status.replace('_', ' ')}</Badge>}
          </div>
          <p className="mt-1 text-sm text-slate-600">
            by {a.developer.name} · {CATEGORY_LABELS[manifest.metadata.category]} · <span className="font-mono">{a.agent_id}</span>
          </p>
          <p className="mt-3 max-w-3xl text-slate-800">{manifest.description}</p>
          {a.suspended_reason && <p className="mt-2 text-sm text-red-800">Suspended: {a.suspended_reason}</p>}
        </div>
        <AgentActions agent={a} />
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="flex flex-col gap-6 lg:col-span-2">
          <Card>
            <CardHeader>
              <CardTitle as="h2">Inputs</CardTitle>
            </CardHeader>
            <CardContent>
              <SchemaTable schema={a.input_schema} caption="Inputs" />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle as="h2">Outputs</CardTitle>
            </CardHeader>
            <CardContent>
              <SchemaTable schema={a.output_schema} caption="Outputs" />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle as="h2">Versions</CardTitle>
            </CardHeader>
            <CardContent>
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Version</TableHead>
                    <TableHead>Review</TableHead>
                    <TableHead>Published</TableHead>
                    <TableHead>Reviewed</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {a.versions.map((v) => (
                    <TableRow key={v.version}>
                      <TableCell className="font-mono">{v.version}</TableCell>
                      <TableCell>
                        <Badge variant={VERSION_BADGE[v.status]}>{v.status.replace('_', ' ')}</Badge>
                        {v.review_reason && <span className="ml-2 text-slate-600">{v.review_reason}</span>}
                      </TableCell>
                      <TableCell>{formatDateTime(v.created_at)}</TableCell>
                      <TableCell>{formatDateTime(v.reviewed_at)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
        </div>
        <div className="flex flex-col gap-6">
          <Card>
            <CardHeader>
              <CardTitle as="h2">Pricing and stats</CardTitle>
            </CardHeader>
            <CardContent>
              <Facts agent={a} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle as="h2">Capabilities</CardTitle>
            </CardHeader>
            <CardContent>
              {manifest.capabilities.length === 0 ? (
                <p className="text-sm text-slate-600">None: the agent computes on its inputs only.</p>
              ) : (
                <ul className="flex flex-wrap gap-2">
                  {manifest.capabilities.map((c) => (
                    <li key={c}>
                      <Badge variant="outline">{c.replace('_', ' ')}</Badge>
                    </li>
                  ))}
                </ul>
              )}
              {manifest.metadata.tags.length > 0 && (
                <>
                  <h3 className="mt-4 mb-2 text-sm font-medium text-slate-700">Tags</h3>
                  <ul className="flex flex-wrap gap-2">
                    {manifest.metadata.tags.map((t) => (
                      <li key={t}>
                        <Link to={`/marketplace?q=${encodeURIComponent(t)}`} className="text-sm text-indigo-700 hover:underline">
                          #{t}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle as="h2">Developer</CardTitle>
            </CardHeader>
            <CardContent className="text-sm">
              <p className="font-medium text-slate-900">{a.developer.name}</p>
              <p className="font-mono text-xs text-slate-600">{a.developer.developer_id}</p>
              {manifest.metadata.homepage && /^https?:\/\//.test(manifest.metadata.homepage) && (
                <p className="mt-2">
                  <a className="text-indigo-700 hover:underline" href={manifest.metadata.homepage} rel="noopener noreferrer nofollow" target="_blank">
                    Homepage
                  </a>
                </p>
              )}
            </CardContent>
          </Card>
        </div>
      </div>
    </div>
  );
}
