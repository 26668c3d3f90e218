import { useState, type FormEvent } from 'react';
import { UserPlus } from 'lucide-react';
import { useSession } from '@/auth/session';
import { EmptyState, ErrorState, LoadingRows, PageHeader } from '@/components/states';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { FormDialogFooter } from '@/components/form-dialog-footer';
import { Card, CardContent } from '@/components/ui/card';
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from '@/components/ui/dialog';
import { Input, Select } from '@/components/ui/input';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { formatDateTime } from '@/lib/time';
import { ROLES, useAddMember, useChangeRole, useMembers, useRemoveMember, type Member, type Role } from './api';
import { ConfirmDialog, errorField, Field, FormError } from './common';

const ROLE_TEXT: Record<Role, string> = {
  owner: 'everything, including members and roles',
  admin: 'everything, including members and roles',
  member: 'creates and changes agent accounts, policies, webhooks',
  viewer: 'reads only',
};
// The API's e-mail check (POST /members).
const EMAIL = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

function AddMember() {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const add = useAddMember();
  const field = errorField(add.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: typeof errors = {};
    if (!EMAIL.test(email.trim()) || email.trim().length > 254) next.email = 'Enter an e-mail address.';
    // Empty: the person already has a FrameOS account (in another organization) and joins with it.
    if (password.length > 0 && password.length < 12) next.password = 'At least 12 characters.';
    else if (password.length > 256) next.password = 'At most 256 characters.';
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    add.mutate(
      { email: email.trim(), ...(password ? { password } : {}), role },
      {
        onSuccess: () => {
          setOpen(false);
          setEmail('');
          setPassword('');
          setRole('member');
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) add.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <UserPlus className="h-4 w-4" aria-hidden="true" /> Add member
        </Button>
      </DialogTrigger>
      <DialogContent>
        <form onSubmit={submit} noValidate className="grid gap-4">
          <DialogHeader>
            <DialogTitle>Add a member</DialogTitle>
            <DialogDescription>
              A new person gets a login with the first password you choose; tell it to them privately. Someone who already has a FrameOS account joins with it: leave the password empty, and they switch organizations in the header.
            </DialogDescription>
          </DialogHeader>
          <Field label="E-mail" error={errors.email ?? (field === 'email' ? add.error?.message : null)}>
            {(props) => <Input {...props} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />}
          </Field>
          <Field label="First password" hint="At least 12 characters; empty for someone who already has an account." error={errors.password ?? (field === 'password' ? add.error?.message : null)}>
            {(props) => <Input {...props} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          <Field label="Role" hint={ROLE_TEXT[role]}>
            {(props) => (
              <Select {...props} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          {add.error && !field && <FormError error={add.error} />}
          <FormDialogFooter pending={add.isPending} label="Add member" pendingLabel="Adding…" />
        </form>
      </DialogContent>
    </Dialog>
  );
}

function RoleSelect({ member }: { member: Member }) {
  const change = useChangeRole();
  return (
    <div>
      <label className="sr-only" htmlFor={`role-${member.user_id}`}>
        Role of {member.email}
      </label>
      <Select id={`role-${member.user_id}`} className="h-8 w-32" value={member.role} disabled={change.isPending} onChange={(e) => change.mutate({ id: member.user_id, role: e.target.value as Role })}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </Select>
      {change.error && <p className="mt-1 text-xs text-red-800">{change.error.message}</p>}
    </div>
  );
}

export default function Members() {
  const session = useSession();
  // The API lets owners and admins manage people (POST/PATCH/DELETE /members); others only see the list.
  const manager = session?.role === 'owner' || session?.role === 'admin';
  const members = useMembers();
  const remove = useRemoveMember();
  const [removing, setRemoving] = useState<Member | null>(null);

  return (
    <div>
      <PageHeader title="Members" description="The people of your organization and their roles." actions={manager && <AddMember />} />
      <Card>
        <CardContent className="pt-6">
          {members.isError ? (
            <ErrorState error={members.error} onRetry={() => void members.refetch()} />
          ) : !members.data ? (
            <LoadingRows rows={3} label="Loading members" />
          ) : members.data.data.length === 0 ? (
            <EmptyState title="No members" />
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>E-mail</TableHead>
                  <TableHead>Role</TableHead>
                  <TableHead>Joined</TableHead>
                  {manager && <TableHead>Actions</TableHead>}
                </TableRow>
              </TableHeader>
              <TableBody>
                {members.data.data.map((m) => {
                  const self = m.user_id === session?.userId;
                  return (
                    <TableRow key={m.user_id}>
                      <TableCell>
                        <div className="font-medium text-slate-900">
                          {m.email} {self && <Badge variant="outline">you</Badge>}
                        </div>
                        <div className="font-mono text-xs text-slate-600">{m.user_id}</div>
                      </TableCell>
                      <TableCell>{manager && !self ? <RoleSelect member={m} /> : <Badge variant="neutral">{m.role}</Badge>}</TableCell>
                      <TableCell className="whitespace-nowrap">{formatDateTime(m.created_at)}</TableCell>
                      {manager && (
                        <TableCell>
                          {!self && (
                            <Button variant="secondary" size="sm" aria-label={`Remove ${m.email}`} onClick={() => setRemoving(m)}>
                              Remove
                            </Button>
                          )}
                        </TableCell>
                      )}
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      <ConfirmDialog
        open={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title={`Remove ${removing?.email ?? ''}?`}
        confirm="Remove member"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => removing && remove.mutate(removing.user_id, { onSuccess: () => setRemoving(null) })}
      >
        Their sessions stop working at once.
      </ConfirmDialog>
    </div>
  );
}
