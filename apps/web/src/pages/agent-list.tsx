import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { CATEGORIES, CATEGORY_LABELS, PRICING_LABELS, PRICING_MODELS, useAgents, type AgentQuery, type Category, type PricingModel } from '@/api/queries';
import { AgentGrid } from '@/components/agents';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { Button } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/input';
import { Label } from '@/components/ui/label';

const PAGE_SIZE = 12;
const SORTS = { latest: 'Newest', popular: 'Most used', rating: 'Best rated' } as const;
type Sort = keyof typeof SORTS;

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return allowed.includes(value as T) ? (value as T) : undefined;
}

/** The filters live in the address (?q=&category=&pricing_model=&sort=&after=), so a list can be shared and reloaded. */
export default function AgentList() {
  const [params, setParams] = useSearchParams();
  const query: AgentQuery = {
    limit: PAGE_SIZE,
    q: params.get('q') || undefined,
    category: oneOf<Category>(params.get('category'), CATEGORIES),
    pricing_model: oneOf<PricingModel>(params.get('pricing_model'), PRICING_MODELS),
    sort: oneOf<Sort>(params.get('sort'), Object.keys(SORTS) as Sort[]) ?? 'latest',
    starting_after: params.get('after') || undefined,
  };
  // Cursors of the pages before this one, for "Previous" (the API pages forward only).
  const [previous, setPrevious] = useState<string[]>([]);
  const [search, setSearch] = useState(query.q ?? '');
  useEffect(() => setSearch(params.get('q') ?? ''), [params]);
  const agents = useAgents(query);

  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('after' in changes)) {
      next.delete('after');
      setPrevious([]);
    }
    setParams(next);
  };

  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    update({ q: search.trim() || undefined });
  };

  const page = agents.data;
  return (
    <div>
      <PageHeader title="Agents" description="Approved agents you can deploy for your agent accounts and pay per run, per use or by subscription." />

      <form role="search" onSubmit={submitSearch} className="mb-6 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-[2fr_1fr_1fr_1fr]">
        <div className="flex flex-col gap-1.5 sm:col-span-2 lg:col-span-1">
          <Label htmlFor="agent-search">Search</Label>
          <div className="flex gap-2">
            <Input id="agent-search" type="search" value={search} placeholder="Name, description or tag" onChange={(e) => setSearch(e.target.value)} />
            <Button type="submit">Search</Button>
          </div>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="agent-category">Category</Label>
          <Select id="agent-category" value={query.category ?? ''} onChange={(e) => update({ category: e.target.value || undefined })}>
            <option value="">All categories</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABELS[c]}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="agent-pricing">Pricing</Label>
          <Select id="agent-pricing" value={query.pricing_model ?? ''} onChange={(e) => update({ pricing_model: e.target.value || undefined })}>
            <option value="">Any pricing</option>
            {PRICING_MODELS.map((m) => (
              <option key={m} value={m}>
                {PRICING_LABELS[m]}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="agent-sort">Sort by</Label>
          <Select id="agent-sort" value={query.sort} onChange={(e) => update({ sort: e.target.value === 'latest' ? undefined : e.target.value })}>
            {Object.entries(SORTS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </div>
      </form>

      <div aria-live="polite" aria-busy={agents.isFetching}>
        {agents.isError ? (
          <ErrorState error={agents.error} onRetry={() => void agents.refetch()} />
        ) : !page ? (
          <LoadingRows rows={4} label="Loading agents" />
        ) : page.data.length === 0 ? (
          <EmptyState title="No agents match">
            {query.q || query.category || query.pricing_model ? (
              <Button variant="link" onClick={() => setParams(new URLSearchParams())}>
                Clear the filters
              </Button>
            ) : (
              'No agent is listed yet.'
            )}
          </EmptyState>
        ) : (
          <>
            {/* The cards' names are h3: this keeps the heading levels in order under the page's h1. */}
            <h2 className="sr-only">Results</h2>
            <AgentGrid agents={page.data} />
          </>
        )}
      </div>

      {page && (previous.length > 0 || query.starting_after || page.has_more) && (
        <nav aria-label="Pages" className="mt-6 flex justify-between">
          <Button
            variant="secondary"
            disabled={!query.starting_after}
            onClick={() => {
              const before = previous.slice(0, -1);
              setPrevious(before);
              update({ after: previous.at(-1) });
            }}
          >
            Previous
          </Button>
          <Button
            variant="secondary"
            disabled={!page.has_more || !page.next_cursor}
            onClick={() => {
              setPrevious([...previous, query.starting_after ?? '']);
              update({ after: page.next_cursor ?? undefined });
            }}
          >
            Next
          </Button>
        </nav>
      )}
    </div>
  );
}
