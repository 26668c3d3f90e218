import { z } from 'zod';

export const ErrorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), request_id: z.string() }).loose(),
});

export const idParam = (prefix: string) =>
  z.object({ id: z.string().min(1).max(64).regex(new RegExp(`^${prefix}_[0-9A-Z]{26}$`), `must be a ${prefix}_… id`) });

export const PaginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().max(64).optional(),
});

export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean(), next_cursor: z.string().nullable() });

export const errorResponses = {
  400: ErrorResponseSchema,
  401: ErrorResponseSchema,
  403: ErrorResponseSchema,
  404: ErrorResponseSchema,
  409: ErrorResponseSchema,
  422: ErrorResponseSchema,
};
