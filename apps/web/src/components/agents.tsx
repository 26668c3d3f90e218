import { Link } from 'react-router';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { CATEGORY_LABELS, type AgentListing } from '@/api/queries';
import { formatMoney } from '@/lib/money';

type Pricing = AgentListing['pricing'];

const PRICE_SUFFIX: Record<Pricing['model'], string> = {
  per_execution: 'per run',
  pay_per_use: 'per unit',
  subscription: 'per 30 days',
};

/** "$1.00 per run", "₹5.00 per unit", "$20.00 per 30 days". */
export function formatPricing(pricing: Pricing): string {
  return `${formatMoney(pricing.amount, pricing.currency)} ${PRICE_SUFFIX[pricing.model]}`;
}

export function formatSuccessRate(rate: number | null): string {
  return rate === null ? 'no runs yet' : `${Math.round(rate * 100)} % succeed`;
}

export function formatRuns(count: number): string {
  return `${count.toLocaleString()} ${count === 1 ? 'run' : 'runs'}`;
}

export function AgentCard({ agent }: { agent: AgentListing }) {
  return (
    <Card className="flex h-full flex-col transition-shadow focus-within:shadow-md hover:shadow-md">
      <CardHeader>
        <div className="flex items-start justify-between gap-2">
          <CardTitle>
            {/* The whole card is clickable through the link's ::after, one tab stop per card. */}
            <Link to={`/marketplace/${agent.agent_id}`} className="after:absolute after:inset-0 focus-visible:outline-none">
              {agent.name}
            </Link>
          </CardTitle>
          <Badge variant="neutral">{CATEGORY_LABELS[agent.category]}</Badge>
        </div>
        <p className="text-xs text-slate-600">by {agent.developer.name}</p>
      </CardHeader>
      <CardContent className="flex flex-1 flex-col gap-3">
        <p className="line-clamp-3 text-sm text-slate-700">{agent.description}</p>
        <div className="mt-auto flex flex-wrap items-center justify-between gap-2 text-sm">
          <span className="font-semibold text-slate-900">{formatPricing(agent.pricing)}</span>
          <span className="text-slate-600">
            {formatRuns(agent.stats.executions)} · {formatSuccessRate(agent.stats.success_rate)}
          </span>
        </div>
      </CardContent>
    </Card>
  );
}

export function AgentGrid({ agents }: { agents: AgentListing[] }) {
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {agents.map((agent) => (
        <li key={agent.agent_id} className="relative">
          <AgentCard agent={agent} />
        </li>
      ))}
    </ul>
  );
}
