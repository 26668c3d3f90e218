import { Link } from 'react-router';
import { BadgeCheck, Receipt, ShieldCheck, Store } from 'lucide-react';
import { useSession } from '@/auth/session';
import { CATEGORIES, CATEGORY_LABELS, useAgents } from '@/api/queries';
import { AgentGrid } from '@/components/agents';
import { EmptyState, ErrorState, LoadingRows } from '@/components/states';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';

const PILLARS = [
  { icon: ShieldCheck, title: 'Policy-checked mandates', text: 'Every spend is checked against caps, daily limits and time windows, then signed (Ed25519).' },
  { icon: BadgeCheck, title: 'Exactly-once payments', text: 'A double-entry ledger; a mandate pays once however often it is retried.' },
  { icon: Receipt, title: 'Verifiable receipts', text: 'A hash-chained, signed receipt for every payment that anyone can check.' },
  { icon: Store, title: 'An agent marketplace', text: 'Deploy agents others built; each run is paid through the same spine.' },
];

function Hero() {
  const session = useSession();
  return (
    <section aria-labelledby="hero-title" className="mb-10 rounded-2xl bg-gradient-to-br from-indigo-800 to-slate-900 px-6 py-10 text-white sm:px-10 sm:py-14">
      <h1 id="hero-title" className="max-w-3xl text-3xl font-bold tracking-tight sm:text-4xl">
        Payments and a marketplace for AI agents
      </h1>
      <p className="mt-4 max-w-2xl text-lg text-indigo-100">
        FrameOS lets AI agents spend money safely: a policy decides, a signed mandate authorises, the ledger pays exactly once and a receipt proves it.
      </p>
      <div className="mt-6 flex flex-wrap gap-3">
        {session ? (
          <>
            <Button asChild size="lg" className="bg-white text-slate-900 hover:bg-indigo-100">
              <Link to="/marketplace">Browse agents</Link>
            </Button>
            <Button asChild size="lg" variant="ghost" className="text-white ring-1 ring-white/60 hover:bg-white/10 hover:text-white">
              <Link to="/dashboard">Open the dashboard</Link>
            </Button>
          </>
        ) : (
          <>
            <Button asChild size="lg" className="bg-white text-slate-900 hover:bg-indigo-100">
              <Link to="/signup">Create an account</Link>
            </Button>
            <Button asChild size="lg" variant="ghost" className="text-white ring-1 ring-white/60 hover:bg-white/10 hover:text-white">
              <Link to="/login?next=%2Fmarketplace">Log in to browse agents</Link>
            </Button>
          </>
        )}
      </div>
    </section>
  );
}

function Stat({ label, value }: { label: string; value: string | undefined }) {
  return (
    <Card className="p-4">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-1 text-2xl font-bold text-slate-900">{value ?? <Skeleton className="h-8 w-16" />}</dd>
    </Card>
  );
}

/** The catalogue's first 100 agents by popularity give the counts and categories; the newest come sorted by date. */
function Catalogue() {
  const popular = useAgents({ limit: 100, sort: 'popular' });
  const newest = useAgents({ limit: 6, sort: 'latest' });
  const agents = popular.data?.data;
  const plus = popular.data?.has_more ? '+' : '';
  const runs = agents?.reduce((sum, a) => sum + a.stats.executions, 0);
  const deployments = agents?.reduce((sum, a) => sum + a.stats.deployments, 0);

  if (popular.isError) return <ErrorState error={popular.error} onRetry={() => void popular.refetch()} />;
  return (
    <>
      <section aria-labelledby="counts-title" className="mb-10">
        <h2 id="counts-title" className="sr-only">
          The marketplace in numbers
        </h2>
        <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
          <Stat label="Agents listed" value={agents && `${agents.length}${plus}`} />
          <Stat label="Developers" value={agents && `${new Set(agents.map((a) => a.developer.developer_id)).size}${plus}`} />
          <Stat label="Deployments" value={deployments?.toLocaleString()} />
          <Stat label="Runs finished" value={runs?.toLocaleString()} />
        </dl>
      </section>

      <section aria-labelledby="categories-title" className="mb-10">
        <h2 id="categories-title" className="mb-3 text-xl font-semibold text-slate-900">
          Categories
        </h2>
        <ul className="flex flex-wrap gap-2">
          {CATEGORIES.map((category) => {
            const count = agents?.filter((a) => a.category === category).length;
            return (
              <li key={category}>
                <Link
                  to={`/marketplace?category=${category}`}
                  className="inline-flex items-center gap-2 rounded-full border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:border-indigo-600 hover:text-indigo-800"
                >
                  {CATEGORY_LABELS[category]}
                  {count !== undefined && <span className="text-slate-600">{count}</span>}
                </Link>
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="featured-title" className="mb-10">
        <div className="mb-3 flex items-baseline justify-between">
          <h2 id="featured-title" className="text-xl font-semibold text-slate-900">
            Most used
          </h2>
          <Link className="text-sm font-medium text-indigo-700 hover:underline" to="/marketplace?sort=popular">
            All agents
          </Link>
        </div>
        {!agents ? <LoadingRows rows={2} label="Loading agents" /> : agents.length === 0 ? <EmptyState title="No agents are listed yet">Developers publish agents from the developer portal; an admin approves them.</EmptyState> : <AgentGrid agents={agents.slice(0, 3)} />}
      </section>

      <section aria-labelledby="newest-title">
        <h2 id="newest-title" className="mb-3 text-xl font-semibold text-slate-900">
          Newest
        </h2>
        {newest.isError ? (
          <ErrorState error={newest.error} onRetry={() => void newest.refetch()} />
        ) : !newest.data ? (
          <LoadingRows rows={2} label="Loading agents" />
        ) : newest.data.data.length === 0 ? (
          <EmptyState title="No agents are listed yet" />
        ) : (
          <AgentGrid agents={newest.data.data} />
        )}
      </section>
    </>
  );
}

export default function Home() {
  const session = useSession();
  return (
    <div>
      <Hero />
      {session ? (
        <Catalogue />
      ) : (
        <section aria-labelledby="pillars-title">
          <h2 id="pillars-title" className="mb-4 text-xl font-semibold text-slate-900">
            What FrameOS does
          </h2>
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            {PILLARS.map(({ icon: Icon, title, text }) => (
              <li key={title}>
                <Card className="h-full p-5">
                  <Icon className="h-6 w-6 text-indigo-700" aria-hidden="true" />
                  <h3 className="mt-3 font-semibold text-slate-900">{title}</h3>
                  <p className="mt-1 text-sm text-slate-700">{text}</p>
                </Card>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
