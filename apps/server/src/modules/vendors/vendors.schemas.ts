import { z } from 'zod';
import { VendorSlugSchema } from '@frameos/domain';

export const RAILS = ['ledger', 'stripe', 'cashfree', 'x402'] as const;
export const RailSchema = z.enum(RAILS);
export type Rail = z.infer<typeof RailSchema>;
/** A marketplace agent's vendor row: created by a deployment, paid by executions, never by POST /vendors. */
export const MARKETPLACE_RAIL = 'marketplace';
const VendorRailSchema = z.enum([...RAILS, MARKETPLACE_RAIL]);

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
  rail: VendorRailSchema,
  settings: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});

const EvmAddressSchema = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address');

/** What an x402 vendor needs (docs/rails.md): where to call it and which token it is paid in. */
export const X402VendorSettingsSchema = z.object({
  endpoint_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  asset: EvmAddressSchema,
  pay_to: EvmAddressSchema.optional(),
  method: z.enum(['GET', 'POST']).optional(),
  asset_decimals: z.number().int().min(2).max(36).optional(),
});
