import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { logIn } from '@/auth/log-in';
import { safeNext } from '@/auth/require-session';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { ErrorState } from '@/components/states';

export default function Login() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await logIn(String(form.get('email')), String(form.get('password')));
      queryClient.clear();
      await navigate(next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mx-auto max-w-md">
      <Card>
        <CardHeader>
          <h1 className="text-2xl font-bold text-slate-900">Log in</h1>
          <CardDescription>With the email and password of your FrameOS account.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          {params.get('expired') && (
            <Alert variant="info">
              <AlertDescription>Your session ended. Log in again to continue where you were.</AlertDescription>
            </Alert>
          )}
          {error !== null && <ErrorState title="Could not log in" error={error} />}
          <form className="flex flex-col gap-4" onSubmit={(e) => void submit(e)}>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="email">Email</Label>
              <Input id="email" name="email" type="email" autoComplete="email" required />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="password">Password</Label>
              <Input id="password" name="password" type="password" autoComplete="current-password" required />
            </div>
            <Button type="submit" disabled={busy}>
              {busy ? 'Logging in…' : 'Log in'}
            </Button>
          </form>
          <p className="text-sm text-slate-600">
            No account yet?{' '}
            <Link className="font-medium text-indigo-700 hover:underline" to={`/signup${params.get('next') ? `?next=${encodeURIComponent(next)}` : ''}`}>
              Sign up
            </Link>
            . On a development server the demo login is printed at start (<code className="text-xs">demo@frameos.dev</code>).
          </p>
        </CardContent>
      </Card>
    </div>
  );
}
