import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, idParam, listOf } from '../../http/common-schemas.ts';
import { AgentIdParam, ExecuteBodySchema, ExecutionListQuerySchema, ExecutionLogsSchema, ExecutionSchema, LogsQuerySchema } from './executions.schemas.ts';
import { abortExecution, executeAgent, getExecution, getExecutionLogs, listExecutionsPage } from './executions.service.ts';

export async function executionRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['executions'];

  r.post('/agents/:id/execute', {
    config: { successStatus: 202 },
    schema: {
      tags,
      summary: 'Run a deployed agent: inputs checked, price held under the policy, run queued (202)',
      params: AgentIdParam,
      body: ExecuteBodySchema,
      response: { 202: ExecutionSchema, 402: errorResponses[400], ...errorResponses },
    },
  }, async (request, reply) => reply.status(202).send(await executeAgent(request.ctx, request.params.id, request.body)));

  r.get('/executions', {
    schema: { tags, summary: 'List executions', querystring: ExecutionListQuerySchema, response: { 200: listOf(ExecutionSchema), ...errorResponses } },
  }, async (request) => listExecutionsPage(request.ctx, request.query));

  r.get('/executions/:id', {
    schema: { tags, summary: 'Get an execution: status, outputs or error, cost, payment', params: idParam('exe'), response: { 200: ExecutionSchema, ...errorResponses } },
  }, async (request) => getExecution(request.ctx, request.params.id));

  r.get('/executions/:id/logs', {
    schema: { tags, summary: 'The execution\'s log lines after line N', params: idParam('exe'), querystring: LogsQuerySchema, response: { 200: ExecutionLogsSchema, ...errorResponses } },
  }, async (request) => getExecutionLogs(request.ctx, request.params.id, request.query.after, request.query.limit));

  r.post('/executions/:id/abort', {
    schema: { tags, summary: 'Abort an execution that has not ended (nothing is charged)', params: idParam('exe'), response: { 200: ExecutionSchema, ...errorResponses } },
  }, async (request) => abortExecution(request.ctx, request.params.id));
}
