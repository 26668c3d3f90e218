import { z } from 'zod';

/** Events an endpoint can subscribe to (more arrive with the rails and executions). */
export const WEBHOOK_EVENTS = ['payment.settled', 'payment.failed', 'payment.refunded', 'mandate.pending_approval', 'mandate.approved', 'execution.succeeded', 'execution.failed', 'agent.event'] as const;
export const WebhookEventSchema = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const EventsSchema = z.array(WebhookEventSchema).min(1).max(WEBHOOK_EVENTS.length).refine((e) => new Set(e).size === e.length, 'must not repeat an event');

export const CreateWebhookEndpointBodySchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048),
  events: EventsSchema,
});

export const UpdateWebhookEndpointBodySchema = z
  .object({ events: EventsSchema.optional(), enabled: z.boolean().optional() })
  .strict()
  .refine((v) => v.events !== undefined || v.enabled !== undefined, 'send events or enabled');

export const WebhookEndpointSchema = z.object({
  object: z.literal('webhook_endpoint'),
  webhook_endpoint_id: z.string(),
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventSchema),
  enabled: z.boolean(),
  /** Set when FrameOS disabled the endpoint itself (persistent delivery failure); cleared when re-enabled. */
  disabled_reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const WebhookEndpointWithSecretSchema = WebhookEndpointSchema.extend({
  secret: z.string().meta({ description: 'Standard Webhooks signing secret (whsec_…). Shown once; rotate to get a new one.' }),
});
