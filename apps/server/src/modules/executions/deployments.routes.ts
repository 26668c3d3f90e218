import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, idParam, listOf } from '../../http/common-schemas.ts';
import { AgentIdParam, DeployBodySchema, DeploymentListQuerySchema, DeploymentSchema, UpdateDeploymentBodySchema } from './executions.schemas.ts';
import { deployAgent, getDeployment, listDeploymentsPage, updateDeploymentSettings } from './deployments.service.ts';
import { deleteDeploymentAndQueue } from './executions.service.ts';

export async function deploymentRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['deployments'];

  r.post('/agents/:id/deploy', {
    config: { successStatus: 201 },
    schema: { tags, summary: 'Deploy an approved marketplace agent for one of your agent accounts', params: AgentIdParam, body: DeployBodySchema, response: { 201: DeploymentSchema, ...errorResponses } },
  }, async (request, reply) => reply.status(201).send(await deployAgent(request.ctx, request.params.id, request.body)));

  r.get('/deployments', {
    schema: { tags, summary: 'List deployments', querystring: DeploymentListQuerySchema, response: { 200: listOf(DeploymentSchema), ...errorResponses } },
  }, async (request) => listDeploymentsPage(request.ctx, request.query.limit, request.query.starting_after, request.query.agent_id));

  r.get('/deployments/:id', {
    schema: { tags, summary: 'Get a deployment (secret names only, never values)', params: idParam('dep'), response: { 200: DeploymentSchema, ...errorResponses } },
  }, async (request) => getDeployment(request.ctx, request.params.id));

  r.patch('/deployments/:id', {
    schema: { tags, summary: 'Pause or resume a deployment, or change its config, allowed hosts or concurrency', params: idParam('dep'), body: UpdateDeploymentBodySchema, response: { 200: DeploymentSchema, ...errorResponses } },
  }, async (request) => updateDeploymentSettings(request.ctx, request.params.id, request.body));

  r.delete('/deployments/:id', {
    schema: { tags, summary: 'Delete a deployment; runs not yet started are aborted and their holds voided', params: idParam('dep'), response: { 200: DeploymentSchema, ...errorResponses } },
  }, async (request) => deleteDeploymentAndQueue(request.ctx, request.params.id));
}
