import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, idParam, listOf } from '../../http/common-schemas.ts';
import { addMember, changeMemberRole, listMembersPage, removeMember } from './members.service.ts';

const RoleSchema = z.enum(['owner', 'admin', 'member', 'viewer']);
const MemberSchema = z.object({ object: z.literal('member'), user_id: z.string(), email: z.string(), role: RoleSchema, created_at: z.string() });

export async function memberRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['members'];

  r.get('/members', {
    schema: { tags, summary: 'List the people of the organization and their roles', response: { 200: listOf(MemberSchema), ...errorResponses } },
  }, async (request) => listMembersPage(request.ctx));

  r.post('/members', {
    config: { successStatus: 201 },
    schema: {
      tags, summary: 'Add a person with a role (owner or admin session only): a new user with a password, or — without one — someone who already has an account elsewhere',
      body: z.object({
        email: z.email().max(254).transform((e) => e.toLowerCase()),
        password: z.string().min(12, 'must be at least 12 characters').max(256).optional().meta({ description: 'Required for a new user; leave it out to add a person who already has an account (409 email_taken if given for one)' }),
        role: RoleSchema,
      }),
      response: { 201: MemberSchema, ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await addMember(request.ctx, request.body)));

  r.patch('/members/:id', {
    schema: { tags, summary: "Change a member's role", params: idParam('usr'), body: z.object({ role: RoleSchema }), response: { 200: MemberSchema, ...errorResponses } },
  }, async (request) => changeMemberRole(request.ctx, request.params.id, request.body.role));

  r.delete('/members/:id', {
    schema: { tags, summary: 'Remove a member from the organization (their sessions stop working at once)', params: idParam('usr'), response: { 200: z.object({ user_id: z.string(), removed: z.boolean() }), ...errorResponses } },
  }, async (request) => removeMember(request.ctx, request.params.id));
}
