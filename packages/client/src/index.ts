import { createApi, type Api, type ClientOptions } from './client.ts';
import { pay, type PayInput, type PayResult } from './pay.ts';

export { createApi, unwrap, type Api, type ClientOptions } from './client.ts';
export { pay, type Intent, type Mandate, type Payment, type PayInput, type PayResult, type Receipt } from './pay.ts';
export * from './errors.ts';
export { verifyMandate, verifyReceiptChain, type ChainCheck, type Jwks } from './verify.ts';
export type { paths, components } from './schema.ts';

export interface FrameOSClient {
  /** Every route of the API, typed from /openapi.json (openapi-fetch: `api.GET('/payments/{id}', …)`). */
  api: Api;
  pay(input: PayInput): Promise<PayResult>;
}

/** A client for one key: `const frameos = createFrameOSClient({ baseUrl, apiKey })`. */
export function createFrameOSClient(options: ClientOptions): FrameOSClient {
  const api = createApi(options);
  return { api, pay: (input) => pay(api, input) };
}
