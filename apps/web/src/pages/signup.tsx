import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/api/client';
import { logIn } from '@/auth/log-in';
import { safeNext } from '@/auth/require-session';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { ErrorState } from '@/components/states';

const MIN_PASSWORD = 12;

export default function Signup() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [orgKey, setOrgKey] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    setBusy(true);
    setError(null);
    try {
      const created = await unwrap(api.POST('/auth/signup', { body: { email, password, org_name: String(form.get('org_name')) } }));
      await logIn(email, password);
      queryClient.clear();
      setOrgKey(created.api_key);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (orgKey) {
    return (
      <div className="mx-auto max-w-lg">
        <Alert variant="info">
          <AlertTitle>Your organization is ready</AlertTitle>
          <AlertDescription>
            <p>This is its secret API key. It is shown once: store it somewhere safe now.</p>
            <code className="mt-3 block break-all rounded bg-white p-3 font-mono text-sm text-slate-900">{orgKey}</code>
            <Button className="mt-4" onClick={() => void navigate(safeNext(params.get('next')), { replace: true })}>
              Continue
            </Button>
          </AlertDescription>
        </Alert>
      </div>
    );
  }

  return (
    <div className="mx-auto max-w-md">
      <Card>
        <CardHeader>
          <h1 className="text-2xl font-bold text-slate-900">Create your account</h1>
          <CardDescription>You get an organization, its API key and an owner login.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          {error !== null && <ErrorState title="Could not sign up" error={error} />}
          <form className="flex flex-col gap-4" onSubmit={(e) => void submit(e)}>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="org_name">Organization name</Label>
              <Input id="org_name" name="org_name" autoComplete="organization" required maxLength={120} />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="email">Email</Label>
              <Input id="email" name="email" type="email" autoComplete="email" required />
            </div>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="password">Password</Label>
              <Input id="password" name="password" type="password" autoComplete="new-password" required minLength={MIN_PASSWORD} aria-describedby="password-hint" />
              <p id="password-hint" className="text-xs text-slate-600">
                At least {MIN_PASSWORD} characters.
              </p>
            </div>
            <Button type="submit" disabled={busy}>
              {busy ? 'Creating…' : 'Sign up'}
            </Button>
          </form>
          <p className="text-sm text-slate-600">
            Already have an account?{' '}
            <Link className="font-medium text-indigo-700 hover:underline" to="/login">
              Log in
            </Link>
          </p>
        </CardContent>
      </Card>
    </div>
  );
}
