import { Fragment, useState, type FormEvent } from 'react';
import { Plus } from 'lucide-react';
import { canWrite, useSession } from '@/auth/session';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { StatusBadge } from '@/components/status-badge';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { FormDialogFooter } from '@/components/form-dialog-footer';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatDateTime, formatDuration } from '@/lib/time';
import {
  useCreateEndpoint,
  useDeleteEndpoint,
  useDeliveries,
  useReplayDelivery,
  useRotateSecret,
  useUpdateEndpoint,
  useWebhookEndpoints,
  WEBHOOK_EVENTS,
  type WebhookEndpoint,
  type WebhookEvent,
} from './api';
import { ConfirmDialog, errorField, Field, FormError, Pager, SecretDialog, useCursorPages } from './common';

function EventPicker({ value, onChange, error }: { value: WebhookEvent[]; onChange: (events: WebhookEvent[]) => void; error?: string | null }) {
  return (
    <fieldset>
      <legend className="mb-1.5 text-sm font-medium text-slate-800">Events</legend>
      <div className="grid gap-2 sm:grid-cols-2">
        {WEBHOOK_EVENTS.map((e) => (
          <label key={e} className="flex items-center gap-2 font-mono text-sm text-slate-800">
            <input type="checkbox" className="h-4 w-4" checked={value.includes(e)} onChange={(ev) => onChange(ev.target.checked ? [...value, e] : value.filter((x) => x !== e))} />
            {e}
          </label>
        ))}
      </div>
      {error && <p className="mt-1 text-xs font-medium text-red-800">{error}</p>}
    </fieldset>
  );
}

function CreateEndpoint({ onSecret }: { onSecret: (secret: string) => void }) {
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['payment.settled']);
  const [errors, setErrors] = useState<{ url?: string; events?: string }>({});
  const create = useCreateEndpoint();
  const field = errorField(create.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: typeof errors = {};
    try {
      const parsed = new URL(url.trim());
      if (!['http:', 'https:'].includes(parsed.protocol)) next.url = 'An http(s) address.';
    } catch {
      next.url = 'A full address such as https://example.com/hooks/frameos.';
    }
    if (url.length > 2048) next.url = 'At most 2048 characters.';
    if (events.length === 0) next.events = 'Choose at least one event.';
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    create.mutate(
      { url: url.trim(), events: WEBHOOK_EVENTS.filter((e) => events.includes(e)) },
      {
        onSuccess: (endpoint) => {
          setOpen(false);
          setUrl('');
          onSecret(endpoint.secret);
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) create.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <Plus className="h-4 w-4" aria-hidden="true" /> New endpoint
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>New webhook endpoint</DialogTitle>
            <DialogDescription>FrameOS POSTs signed events (Standard Webhooks) to it. Its signing secret is shown once.</DialogDescription>
          </DialogHeader>
          <Field label="URL" error={errors.url ?? (field === 'url' ? create.error?.message : null)}>
            {(props) => <Input {...props} type="url" value={url} placeholder="https://example.com/hooks/frameos" onChange={(e) => setUrl(e.target.value)} />}
          </Field>
          <EventPicker value={events} onChange={setEvents} error={errors.events ?? (field?.startsWith('events') ? create.error?.message : null)} />
          {create.error && !(field === 'url' || field?.startsWith('events')) && <FormError error={create.error} />}
          <FormDialogFooter pending={create.isPending} label="Create endpoint" pendingLabel="Creating…" />
        </form>
      </DialogContent>
    </Dialog>
  );
}

function EditEvents({ endpoint }: { endpoint: WebhookEndpoint }) {
  const [open, setOpen] = useState(false);
  const [events, setEvents] = useState<WebhookEvent[]>(endpoint.events);
  const [error, setError] = useState<string | null>(null);
  const update = useUpdateEndpoint();
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) setEvents(endpoint.events);
        else update.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm">
          Events
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form
          noValidate
          className="grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (events.length === 0) return setError('Choose at least one event.');
            setError(null);
            update.mutate({ id: endpoint.webhook_endpoint_id, body: { events: WEBHOOK_EVENTS.filter((x) => events.includes(x)) } }, { onSuccess: () => setOpen(false) });
          }}
        >
          <DialogHeader>
            <DialogTitle>Events for {endpoint.url}</DialogTitle>
            <DialogDescription>Which events are sent to this endpoint.</DialogDescription>
          </DialogHeader>
          <EventPicker value={events} onChange={setEvents} error={error} />
          <FormError error={update.error} />
          <DialogFooter>
            <DialogClose asChild>
              <Button type="button" variant="secondary">
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" disabled={update.isPending}>
              Save
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function Deliveries({ endpoint, writer }: { endpoint: WebhookEndpoint; writer: boolean }) {
  const pages = useCursorPages();
  const deliveries = useDeliveries(endpoint.webhook_endpoint_id, pages.cursor);
  const replay = useReplayDelivery();
  const [openLog, setOpenLog] = useState<string | null>(null);
  const list = deliveries.data;
  const last = list?.data.at(-1);
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">Deliveries to {endpoint.url}</CardTitle>
        <CardDescription>Newest first, each with its attempts. Replay sends one again now.</CardDescription>
      </CardHeader>
      <CardContent aria-live="polite" aria-busy={deliveries.isFetching}>
        {replay.error && (
          <div className="mb-4">
            <FormError error={replay.error} />
          </div>
        )}
        {deliveries.isError ? (
          <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />
        ) : !list ? (
          <LoadingRows rows={3} label="Loading deliveries" />
        ) : list.data.length === 0 ? (
          <EmptyState title="No deliveries yet">Events you subscribed to are delivered here as they happen.</EmptyState>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Event</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="text-right">Attempts</TableHead>
                <TableHead>Last answer</TableHead>
                <TableHead>Created</TableHead>
                <TableHead>Actions</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.map((d) => (
                <Fragment key={d.delivery_id}>
                  <TableRow>
                    <TableCell>
                      <div className="font-mono text-sm">{d.event_type}</div>
                      <div className="font-mono text-xs text-slate-600">{d.delivery_id}</div>
                    </TableCell>
                    <TableCell>
                      <StatusBadge status={d.status} />
                      {d.next_attempt_at && <div className="mt-1 text-xs text-slate-600">next try {formatDateTime(d.next_attempt_at)}</div>}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{d.attempts}</TableCell>
                    <TableCell className="text-xs">
                      {d.last_response_status ?? '—'}
                      {d.last_error && <div className="text-red-800">{d.last_error}</div>}
                    </TableCell>
                    <TableCell className="whitespace-nowrap">{formatDateTime(d.created_at)}</TableCell>
                    <TableCell>
                      <div className="flex gap-2">
                        <Button variant="ghost" size="sm" aria-expanded={openLog === d.delivery_id} onClick={() => setOpenLog(openLog === d.delivery_id ? null : d.delivery_id)}>
                          {openLog === d.delivery_id ? 'Hide attempts' : 'Attempts'}
                        </Button>
                        {writer && (
                          <Button
                            variant="secondary"
                            size="sm"
                            disabled={replay.isPending && replay.variables?.deliveryId === d.delivery_id}
                            onClick={() => replay.mutate({ endpointId: endpoint.webhook_endpoint_id, deliveryId: d.delivery_id })}
                          >
                            Replay
                          </Button>
                        )}
                      </div>
                    </TableCell>
                  </TableRow>
                  {openLog === d.delivery_id && (
                    <TableRow>
                      <TableCell colSpan={6} className="bg-slate-50">
                        {d.attempt_log.length === 0 ? (
                          <p className="text-sm text-slate-600">No attempt yet.</p>
                        ) : (
                          <ol className="flex flex-col gap-1 text-sm">
                            {d.attempt_log.map((a) => (
                              <li key={a.attempt} className="flex flex-wrap gap-x-4">
                                <span className="font-medium">#{a.attempt}</span>
                                <span>{formatDateTime(a.attempted_at)}</span>
                                <span>{a.response_status !== null ? `HTTP ${a.response_status}` : 'no answer'}</span>
                                <span>{formatDuration(a.duration_ms)}</span>
                                {a.error && <span className="text-red-800">{a.error}</span>}
                              </li>
                            ))}
                          </ol>
                        )}
                      </TableCell>
                    </TableRow>
                  )}
                </Fragment>
              ))}
            </TableBody>
          </Table>
        )}
        {list && (
          <Pager page={pages.page} hasPrevious={pages.hasPrevious} hasNext={list.has_more && Boolean(last)} onPrevious={pages.previous} onNext={() => last && pages.next(last.delivery_id)} />
        )}
      </CardContent>
    </Card>
  );
}

export default function Webhooks() {
  const writer = canWrite(useSession());
  const endpoints = useWebhookEndpoints();
  const update = useUpdateEndpoint();
  const rotate = useRotateSecret();
  const remove = useDeleteEndpoint();
  const [secret, setSecret] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null);
  const [rotating, setRotating] = useState<WebhookEndpoint | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const list = endpoints.data?.data ?? [];
  const current = list.find((e) => e.webhook_endpoint_id === selected) ?? null;

  return (
    <div>
      <PageHeader title="Webhook endpoints" description="Signed events sent to your servers: payments, mandates, executions." actions={writer && <CreateEndpoint onSecret={setSecret} />} />
      {update.error && (
        <div className="mb-4">
          <FormError error={update.error} />
        </div>
      )}
      <div className="flex flex-col gap-6">
        <Card>
          <CardContent className="pt-6">
            {endpoints.isError ? (
              <ErrorState error={endpoints.error} onRetry={() => void endpoints.refetch()} />
            ) : !endpoints.data ? (
              <LoadingRows rows={2} label="Loading webhook endpoints" />
            ) : list.length === 0 ? (
              <EmptyState title="No webhook endpoints">{writer ? 'Add one to receive events as they happen.' : 'None is set up yet.'}</EmptyState>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>URL</TableHead>
                    <TableHead>Events</TableHead>
                    <TableHead>Status</TableHead>
                    <TableHead>Created</TableHead>
                    <TableHead>Actions</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {list.map((e) => (
                    <TableRow key={e.webhook_endpoint_id}>
                      <TableCell>
                        <div className="font-medium break-all text-slate-900">{e.url}</div>
                        <div className="font-mono text-xs text-slate-600">{e.webhook_endpoint_id}</div>
                      </TableCell>
                      <TableCell className="font-mono text-xs">{e.events.join(', ')}</TableCell>
                      <TableCell>
                        {e.enabled ? <Badge variant="success">enabled</Badge> : <Badge variant="neutral">disabled</Badge>}
                        {e.disabled_reason && <div className="mt-1 text-xs text-slate-600">{e.disabled_reason}</div>}
                      </TableCell>
                      <TableCell className="whitespace-nowrap">{formatDateTime(e.created_at)}</TableCell>
                      <TableCell>
                        <div className="flex flex-wrap gap-2">
                          <Button variant={selected === e.webhook_endpoint_id ? 'default' : 'secondary'} size="sm" aria-pressed={selected === e.webhook_endpoint_id} onClick={() => setSelected(e.webhook_endpoint_id)}>
                            Deliveries
                          </Button>
                          {writer && (
                            <>
                              <EditEvents endpoint={e} />
                              <Button variant="secondary" size="sm" disabled={update.isPending} onClick={() => update.mutate({ id: e.webhook_endpoint_id, body: { enabled: !e.enabled } })}>
                                {e.enabled ? 'Disable' : 'Enable'}
                              </Button>
                              <Button variant="secondary" size="sm" onClick={() => setRotating(e)}>
                                Rotate secret
                              </Button>
                              <Button variant="secondary" size="sm" aria-label={`Delete ${e.url}`} onClick={() => setDeleting(e)}>
                                Delete
                              </Button>
                            </>
                          )}
                        </div>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
        {current && <Deliveries key={current.webhook_endpoint_id} endpoint={current} writer={writer} />}
      </div>
      <ConfirmDialog
        open={rotating !== null}
        onClose={() => {
          setRotating(null);
          rotate.reset();
        }}
        title="Rotate the signing secret?"
        confirm="Rotate secret"
        pending={rotate.isPending}
        error={rotate.error}
        onConfirm={() =>
          rotating &&
          rotate.mutate(rotating.webhook_endpoint_id, {
            onSuccess: (endpoint) => {
              setRotating(null);
              setSecret(endpoint.secret);
            },
          })
        }
      >
        Deliveries are signed with the new secret from now on; update your server to verify with it.
      </ConfirmDialog>
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        title="Delete this endpoint?"
        confirm="Delete endpoint"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.webhook_endpoint_id, {
            onSuccess: () => {
              if (selected === deleting.webhook_endpoint_id) setSelected(null);
              setDeleting(null);
            },
          })
        }
      >
        {deleting?.url} stops receiving events. This cannot be undone.
      </ConfirmDialog>
      <SecretDialog open={secret !== null} onClose={() => setSecret(null)} title="Signing secret" secret={secret ?? ''} what="signing secret">
        Verify each delivery's webhook-signature header with it (docs/webhooks.md).
      </SecretDialog>
    </div>
  );
}
