import type { Api } from './client.ts';
import { unwrap } from './client.ts';
import { ApprovalRequiredError } from './errors.ts';
import type { paths } from './schema.ts';

type Json<P extends keyof paths, M extends 'get' | 'post', C extends number> = paths[P][M] extends { responses: { [K in C]: { content: { 'application/json': infer T } } } } ? T : never;

export type Intent = Json<'/purchase-intents', 'post', 201>;
export type Mandate = Json<'/mandates', 'post', 201>;
export type Payment = Json<'/execute', 'post', 200>;
export type Receipt = Json<'/receipts/{id}', 'get', 200>;

export interface PayInput {
  vendor: string;
  /** Minor units of `currency` (e.g. 1999 = $19.99). */
  amount: number;
  currency: string;
  policy_id: string;
  description?: string;
  metadata?: Record<string, string>;
  /**
   * Makes the whole payment exactly-once across your own retries: the same key gives the same
   * intent, mandate and payment (each step's Idempotency-Key is derived from it). Without one, every
   * call is a new payment.
   */
  idempotencyKey?: string;
}

export interface PayResult {
  intent: Intent;
  mandate: Mandate;
  payment: Payment;
  receipt: Receipt;
}

/**
 * An agent pays: purchase intent → mandate (the policy decides) → execute → the payment's receipt.
 * A refusal throws (PolicyViolationError with its `reason`, InsufficientFundsError, …); a mandate that
 * needs a person throws ApprovalRequiredError with its id at once — never a silent wait.
 */
export async function pay(api: Api, input: PayInput): Promise<PayResult> {
  const key = (step: string) => (input.idempotencyKey ? { 'idempotency-key': `${input.idempotencyKey}:${step}` } : undefined);
  const intent = await unwrap(api.POST('/purchase-intents', {
    body: { vendor: input.vendor, amount: input.amount, currency: input.currency, ...(input.description ? { description: input.description } : {}), ...(input.metadata ? { metadata: input.metadata } : {}) },
    headers: key('intent'),
  }));
  const mandate = await unwrap(api.POST('/mandates', { body: { intent_id: intent.intent_id, policy_id: input.policy_id }, headers: key('mandate') }));
  if (mandate.status === 'pending_approval') throw new ApprovalRequiredError(mandate.mandate_id, { intentId: intent.intent_id });
  const payment = await unwrap(api.POST('/execute', { body: { mandate_id: mandate.mandate_id }, headers: key('execute') }));
  const receipt = await unwrap(api.GET('/receipts/{id}', { params: { path: { id: payment.receipt_id } } }));
  return { intent, mandate, payment, receipt };
}
