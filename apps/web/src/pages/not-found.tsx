import { Link } from 'react-router';
import { PageHeader } from '@/components/states';
import { Button } from '@/components/ui/button';

export default function NotFound() {
  return (
    <div>
      <PageHeader title="Page not found" description="There is no page at this address." />
      <Button asChild>
        <Link to="/">Go to the marketplace</Link>
      </Button>
    </div>
  );
}
