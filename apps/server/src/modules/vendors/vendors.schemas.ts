import { z } from 'zod';
import { VendorSlugSchema } from '../../http/common-schemas.ts';

export const RAILS = ['ledger', 'stripe', 'cashfree', 'x402'] as const;
export const RailSchema = z.enum(RAILS);
export type Rail = z.infer<typeof RailSchema>;

export const CreateVendorBodySchema = z.object({
  vendor_id: VendorSlugSchema,
  name: z.string().trim().min(1).max(120),
  rail: RailSchema,
  settings: z.record(z.string(), z.union([z.string().max(2048), z.number(), z.boolean()])).optional(),
});

export const VendorSchema = z.object({
  object: z.literal('vendor'),
  id: z.string(),
  vendor_id: z.string(),
  name: z.string(),
  rail: RailSchema,
  settings: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});
