import { z } from 'zod';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DomainError } from '@frameos/domain';
import type { App } from '../../http/app-type.ts';
import { errorResponses, ErrorResponseSchema, listOf } from '../../http/common-schemas.ts';
import { findTextProblem } from '../../lib/text-hygiene.ts';
import { MAX_CODE_BYTES } from './code-checks.ts';
import {
  AdminAgentSchema,
  AdminListQuerySchema,
  DeveloperAgentSchema,
  MyAgentsQuerySchema,
  AgentDetailSchema,
  AgentIdSchema,
  AgentVersionUploadSchema,
  ApproveBodySchema,
  CatalogueAgentSchema,
  CatalogueQuerySchema,
  CreateDeveloperBodySchema,
  DeveloperSchema,
  RegisterAgentBodySchema,
  RejectBodySchema,
  SuspendBodySchema,
  VersionSchema,
} from './registry.schemas.ts';
import {
  approveAgent,
  createDeveloper,
  getAgentDetail,
  getMyDeveloper,
  listMyAgentsPage,
  getVersionCode,
  listAdminAgentsPage,
  listCataloguePage,
  registerAgentVersion,
  rejectAgent,
  suspendAgent,
  unsuspendAgent,
} from './registry.service.ts';

/**
 * The body limit of POST /agents/register only (every other route keeps the app's 64 KiB): a 5 MiB
 * artifact still fits as a JSON string with its escaping. Code over 5 MiB within it is 400
 * invalid_code; a body over it is 413 payload_too_large.
 */
export const REGISTER_BODY_LIMIT_BYTES = 8 * 1024 * 1024;

const REGISTER_PARTS = new Set(['manifest', 'code']);

const tooLarge = () => new DomainError('payload_too_large', `The upload is larger than ${REGISTER_BODY_LIMIT_BYTES} bytes; the code may be at most ${MAX_CODE_BYTES} bytes.`);
const malformed = (message: string, field = 'body') => new DomainError('validation_error', `${field}: ${message}`, { field });

/** The parts `manifest` (JSON text) and `code` (a file or a field) of a multipart upload, as the JSON body's fields. */
async function readRegisterParts(request: FastifyRequest): Promise<Record<string, string>> {
  const body: Record<string, string> = {};
  try {
    for await (const part of request.parts()) {
      const name = part.fieldname;
      if (!REGISTER_PARTS.has(name)) throw malformed(`${JSON.stringify(name)} is not a part of an agent upload (manifest, code)`, `body.${name}`);
      if (Object.hasOwn(body, name)) throw malformed('is sent twice', `body.${name}`);
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        try {
          body[name] = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          throw new DomainError('invalid_code', `The ${name} part is not UTF-8 text.`);
        }
      } else {
        if (part.valueTruncated) throw tooLarge();
        if (typeof part.value !== 'string') throw malformed('must be text', `body.${name}`);
        body[name] = part.value;
      }
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    const e = err as { statusCode?: number; code?: string };
    if (e.statusCode === 413) throw tooLarge();
    throw malformed('is not a well-formed multipart/form-data body');
  }
  const problem = findTextProblem(body);
  if (problem) throw malformed(problem.message, `body.${problem.path}`);
  return body;
}

export async function registryRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const params = z.object({ id: AgentIdSchema });

  r.post('/developers', {
    config: { successStatus: 201 },
    schema: { tags: ['developers'], summary: 'Create the organization’s developer profile (one per organization), needed to publish agents', body: CreateDeveloperBodySchema, response: { 201: DeveloperSchema, ...errorResponses } },
  }, async (request, reply) => reply.status(201).send(await createDeveloper(request.ctx, request.body)));

  r.get('/developers/me', {
    schema: { tags: ['developers'], summary: 'The organization’s developer profile (403 developer_required when it has none)', response: { 200: DeveloperSchema, ...errorResponses } },
  }, async (request) => getMyDeveloper(request.ctx));

  r.get('/developers/me/agents', {
    schema: { tags: ['developers'], summary: 'Your own agents, whatever their review status, each with every version, its status and the reviewer’s reason', querystring: MyAgentsQuerySchema, response: { 200: listOf(DeveloperAgentSchema), ...errorResponses } },
  }, async (request) => listMyAgentsPage(request.ctx, request.query));

  // Multipart is parsed for this route only, in a scope of its own: everywhere else a body is JSON.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: REGISTER_BODY_LIMIT_BYTES, fieldSize: REGISTER_BODY_LIMIT_BYTES, files: 4, fields: 4, parts: 6, headerPairs: 100 },
    });
    scope.addHook('preValidation', async (request) => {
      if (request.isMultipart()) request.body = await readRegisterParts(request);
    });
    scope.withTypeProvider<ZodTypeProvider>().post('/agents/register', {
      bodyLimit: REGISTER_BODY_LIMIT_BYTES,
      config: { successStatus: 201 },
      schema: {
        tags: ['agents'],
        summary: 'Publish a new agent or a new version of one: JSON {manifest, code} or multipart/form-data parts manifest and code; the version waits for review',
        body: RegisterAgentBodySchema,
        response: { 201: AgentVersionUploadSchema, 413: ErrorResponseSchema, ...errorResponses },
      },
    }, async (request, reply) => reply.status(201).send(await registerAgentVersion(request.ctx, request.body)));
  });

  r.get('/agents', {
    schema: { tags: ['agents'], summary: 'The catalogue: approved, unsuspended agents (filters category, tag, pricing_model, q; sort latest | popular | rating)', querystring: CatalogueQuerySchema, response: { 200: listOf(CatalogueAgentSchema), ...errorResponses } },
  }, async (request) => listCataloguePage(request.ctx, request.query));

  r.get('/agents/:id', {
    schema: { tags: ['agents'], summary: 'An agent: the manifest of its newest approved version, its input and output JSON Schemas, versions, developer and stats', params, response: { 200: AgentDetailSchema, ...errorResponses } },
  }, async (request) => getAgentDetail(request.ctx, request.params.id));

  const adminTags = ['agent review'];
  r.get('/admin/agents', {
    schema: { tags: adminTags, summary: 'Platform admins: agents with versions in a review status (default pending_review), or suspended ones', querystring: AdminListQuerySchema, response: { 200: listOf(AdminAgentSchema), ...errorResponses } },
  }, async (request) => listAdminAgentsPage(request.ctx, request.query));

  r.get('/admin/agents/:id/versions/:version/code', {
    schema: { tags: adminTags, summary: 'Platform admins (and the agent’s developer): the artifact of a version, as text', params: params.extend({ version: VersionSchema }), response: { 200: z.string(), ...errorResponses } },
  }, async (request, reply) => reply.type('text/plain; charset=utf-8').send(await getVersionCode(request.ctx, request.params.id, request.params.version)));

  r.post('/admin/agents/:id/approve', {
    schema: { tags: adminTags, summary: 'Approve a pending version (default: the newest pending one); the catalogue lists the highest approved version', params, body: ApproveBodySchema, response: { 200: AdminAgentSchema, ...errorResponses } },
  }, async (request) => approveAgent(request.ctx, request.params.id, request.body ?? {}));

  r.post('/admin/agents/:id/reject', {
    schema: { tags: adminTags, summary: 'Reject a pending version (default: the newest pending one), with a reason', params, body: RejectBodySchema, response: { 200: AdminAgentSchema, ...errorResponses } },
  }, async (request) => rejectAgent(request.ctx, request.params.id, request.body));

  r.post('/admin/agents/:id/suspend', {
    schema: { tags: adminTags, summary: 'Take an agent out of the catalogue: no new deployments or runs until unsuspended', params, body: SuspendBodySchema, response: { 200: AdminAgentSchema, ...errorResponses } },
  }, async (request) => suspendAgent(request.ctx, request.params.id, request.body));

  r.post('/admin/agents/:id/unsuspend', {
    schema: { tags: adminTags, summary: 'List a suspended agent again', params, response: { 200: AdminAgentSchema, ...errorResponses } },
  }, async (request) => unsuspendAgent(request.ctx, request.params.id));
}
