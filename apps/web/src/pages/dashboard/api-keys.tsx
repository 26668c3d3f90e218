import { useState } from 'react';
import { Plus } from 'lucide-react';
import { useAgentAccounts } from '@/api/queries';
import { canWrite, useSession } from '@/auth/session';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatDateTime } from '@/lib/time';
import { useApiKeys, useCreateOrgKey, useRevokeKey, type ApiKey } from './api';
import { ConfirmDialog, FormError, SecretDialog } from './common';

export default function ApiKeys() {
  const writer = canWrite(useSession());
  const keys = useApiKeys();
  const accounts = useAgentAccounts();
  const names = new Map((accounts.data?.data ?? []).map((a) => [a.agent_account_id, a.name]));
  const create = useCreateOrgKey();
  const revoke = useRevokeKey();
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  return (
    <div>
      <PageHeader
        title="API keys"
        description="Organization keys (fos_org_…) act for the whole organization; agent keys (fos_agent_…) for one agent account. Secrets are never shown again after creation."
        actions={
          writer && (
            <Button disabled={create.isPending} onClick={() => create.mutate(undefined, { onSuccess: (k) => setSecret(k.api_key) })}>
              <Plus className="h-4 w-4" aria-hidden="true" /> {create.isPending ? 'Creating…' : 'New organization key'}
            </Button>
          )
        }
      />
      {create.error && (
        <div className="mb-4">
          <FormError error={create.error} />
        </div>
      )}
      <Card>
        <CardContent className="pt-6">
          {keys.isError ? (
            <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
          ) : !keys.data ? (
            <LoadingRows rows={3} label="Loading API keys" />
          ) : keys.data.data.length === 0 ? (
            <EmptyState title="No API keys" />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Prefix</TableHead>
                  <TableHead>Kind</TableHead>
                  <TableHead>Agent account</TableHead>
                  <TableHead>Status</TableHead>
                  <TableHead>Created</TableHead>
                  {writer && <TableHead>Actions</TableHead>}
                </TableRow>
              </TableHeader>
              <TableBody>
                {keys.data.data.map((k) => (
                  <TableRow key={k.api_key_id}>
                    <TableCell>
                      <div className="font-mono text-sm">{k.prefix}…</div>
                      <div className="font-mono text-xs text-slate-600">{k.api_key_id}</div>
                    </TableCell>
                    <TableCell>{k.kind === 'org' ? 'organization' : 'agent'}</TableCell>
                    <TableCell>{k.agent_account_id ? (names.get(k.agent_account_id) ?? k.agent_account_id) : '—'}</TableCell>
                    <TableCell>{k.revoked_at ? <Badge variant="danger">revoked {formatDateTime(k.revoked_at)}</Badge> : <Badge variant="success">active</Badge>}</TableCell>
                    <TableCell className="whitespace-nowrap">{formatDateTime(k.created_at)}</TableCell>
                    {writer && (
                      <TableCell>
                        {!k.revoked_at && (
                          <Button variant="secondary" size="sm" aria-label={`Revoke ${k.prefix}`} onClick={() => setRevoking(k)}>
                            Revoke
                          </Button>
                        )}
                      </TableCell>
                    )}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <ConfirmDialog
        open={revoking !== null}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        title={`Revoke ${revoking?.prefix ?? ''}…?`}
        confirm="Revoke key"
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking.api_key_id, { onSuccess: () => setRevoking(null) })}
      >
        Requests with this key fail at once. This cannot be undone.
      </ConfirmDialog>
      <SecretDialog open={secret !== null} onClose={() => setSecret(null)} title="New organization key" secret={secret ?? ''} what="organization key">
        It acts for the whole organization: keep it on a server, never in a browser or an agent.
      </SecretDialog>
    </div>
  );
}
