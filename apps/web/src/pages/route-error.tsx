import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/** A page that failed to load or render — most often a chunk of an older build after an upgrade. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : 'Unknown error';
  return (
    <div className="mx-auto max-w-xl px-4 py-12">
      <Alert variant="destructive">
        <AlertTitle>This page could not be shown</AlertTitle>
        <AlertDescription>
          <p>{message}</p>
          <div className="mt-4 flex gap-2">
            <Button size="sm" onClick={() => window.location.reload()}>
              Reload
            </Button>
            <Button asChild size="sm" variant="secondary">
              <Link to="/">Go to the marketplace</Link>
            </Button>
          </div>
        </AlertDescription>
      </Alert>
    </div>
  );
}
