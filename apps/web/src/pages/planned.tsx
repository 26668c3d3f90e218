import { Link, useLocation } from 'react-router';
import { PageHeader } from '@/components/states';
import { Alert, AlertDescription } from '@/components/ui/alert';

const AREAS: Record<string, { title: string; api: string }> = {
  approvals: { title: 'Approvals', api: 'POST /mandates/{id}/approve, GET /executions?status=awaiting_approval' },
  developer: { title: 'Developer portal', api: 'POST /developers, POST /agents/register, GET /developers/me/earnings' },
  admin: { title: 'Admin review', api: 'GET /admin/agents, POST /admin/agents/{id}/approve' },
  dashboard: { title: 'Dashboard', api: 'see /docs' },
};

/** Stand-in for the pages of issue 10 that are not built yet; the API already does all of it. */
export default function Planned() {
  const { pathname } = useLocation();
  const area = AREAS[pathname.split('/')[1] ?? ''] ?? { title: 'Coming soon', api: 'see /docs' };
  return (
    <div>
      <PageHeader title={area.title} description="This page of the web app is not built yet." />
      <Alert variant="info">
        <AlertDescription>
          <p>
            Everything here already works through the API ({area.api}); see the <a className="font-medium underline" href="/docs">API reference</a>.
          </p>
          <p className="mt-2">
            <Link className="font-medium underline" to="/dashboard">
              Back to the dashboard
            </Link>
          </p>
        </AlertDescription>
      </Alert>
    </div>
  );
}
