/**
 * `@frameos/client`: a typed client for the FrameOS API — `createFrameOSClient({ baseUrl, apiKey })`
 * gives every route typed from /openapi.json (`api`), `pay()` and `runAgent()`; automatic
 * idempotency keys, safe retries, typed errors, offline mandate and receipt-chain verification.
 *
 * @module @frameos/client
 */
import { createApi, type Api, type ClientOptions } from './client.ts';
import { pay, type PayInput, type PayResult } from './pay.ts';
import { runAgent, type Execution, type RunAgentInput, type RunAgentOptions } from './run-agent.ts';

export { createApi, unwrap, type Api, type ClientOptions } from './client.ts';
export { runAgent, type Execution, type ExecutionLog, type RunAgentInput, type RunAgentOptions } from './run-agent.ts';
export { pay, type Intent, type Mandate, type Payment, type PayInput, type PayResult, type Receipt } from './pay.ts';
export * from './errors.ts';
export { verifyMandate, verifyReceiptChain, type ChainCheck, type Jwks } from './verify.ts';
export type { paths, components } from './schema.ts';

export interface FrameOSClient {
  /** Every route of the API, typed from /openapi.json (openapi-fetch: `api.GET('/payments/{id}', …)`). */
  api: Api;
  pay(input: PayInput): Promise<PayResult>;
  runAgent(agentId: string, input: RunAgentInput, options?: RunAgentOptions): Promise<Execution>;
}

/** A client for one key: `const frameos = createFrameOSClient({ baseUrl, apiKey })`. */
export function createFrameOSClient(options: ClientOptions): FrameOSClient {
  const api = createApi(options);
  return { api, pay: (input) => pay(api, input), runAgent: (agentId, input, options) => runAgent(api, agentId, input, options) };
}
