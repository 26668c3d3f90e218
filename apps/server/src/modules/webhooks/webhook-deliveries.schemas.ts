import { z } from 'zod';

export const DeliveryAttemptSchema = z.object({
  attempt: z.number().int(),
  attempted_at: z.string(),
  response_status: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
});

export const DeliverySchema = z.object({
  object: z.literal('webhook_delivery'),
  delivery_id: z.string(),
  id: z.string(),
  webhook_endpoint_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullable(),
  last_response_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  attempt_log: z.array(DeliveryAttemptSchema),
});

export const DeliveryIdSchema = z.string().regex(/^msg_[0-9A-Z]{32}$/, 'must be a msg_… id');
