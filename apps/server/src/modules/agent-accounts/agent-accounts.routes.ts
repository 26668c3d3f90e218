import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, idParam, listOf, PaginationQuerySchema } from '../../http/common-schemas.ts';
import { AgentAccountSchema, CreateAgentAccountBodySchema, CreatedAgentAccountSchema, TopUpBodySchema, TopUpSchema } from './agent-accounts.schemas.ts';
import { createAgentAccount, createAgentApiKey, getAgentAccount, listAgentAccountsPage, topUpWallet } from './agent-accounts.service.ts';

export async function agentAccountRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['agent accounts'];

  r.post('/agent-accounts', {
    config: { successStatus: 201 },
    schema: { tags, summary: 'Create an agent account (an AI agent that spends) and its first key', body: CreateAgentAccountBodySchema, response: { 201: CreatedAgentAccountSchema, ...errorResponses } },
  }, async (request, reply) => reply.status(201).send(await createAgentAccount(request.ctx, request.body)));

  r.get('/agent-accounts', {
    schema: { tags, summary: 'List agent accounts', querystring: PaginationQuerySchema, response: { 200: listOf(AgentAccountSchema), ...errorResponses } },
  }, async (request) => listAgentAccountsPage(request.ctx, request.query.limit, request.query.starting_after));

  r.get('/agent-accounts/:id', {
    schema: { tags, summary: 'Get an agent account with its wallet balances', params: idParam('aga'), response: { 200: AgentAccountSchema, ...errorResponses } },
  }, async (request) => getAgentAccount(request.ctx, request.params.id));

  r.post('/agent-accounts/:id/api-keys', {
    config: { successStatus: 201 },
    schema: {
      tags, summary: 'Issue another key for an agent account (shown once)', params: idParam('aga'),
      response: { 201: z.object({ api_key_id: z.string(), kind: z.literal('agent'), agent_account_id: z.string(), api_key: z.string(), prefix: z.string() }), ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await createAgentApiKey(request.ctx, request.params.id)));

  r.post('/agent-accounts/:id/top-ups', {
    config: { successStatus: 201 },
    schema: { tags, summary: 'Fund a wallet in test mode (refused in production)', params: idParam('aga'), body: TopUpBodySchema, response: { 201: TopUpSchema, ...errorResponses } },
  }, async (request, reply) => reply.status(201).send(await topUpWallet(request.ctx, request.params.id, request.body)));
}
