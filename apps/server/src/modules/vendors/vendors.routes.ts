import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../http/app-type.ts';
import { errorResponses, listOf, PaginationQuerySchema } from '../../http/common-schemas.ts';
import { VendorSlugSchema } from '@frameos/domain';
import { CreateVendorBodySchema, VendorSchema } from './vendors.schemas.ts';
import { createVendor, getVendor, listVendorsPage } from './vendors.service.ts';

export async function vendorRoutes(app: App) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['vendors'];

  r.post('/vendors', {
    config: { successStatus: 201 },
    schema: { tags, summary: 'Register a vendor (who gets paid) and its rail', body: CreateVendorBodySchema, response: { 201: VendorSchema, ...errorResponses } },
  }, async (request, reply) => reply.status(201).send(await createVendor(request.ctx, request.body)));

  r.get('/vendors', {
    schema: { tags, summary: 'List vendors', querystring: PaginationQuerySchema, response: { 200: listOf(VendorSchema), ...errorResponses } },
  }, async (request) => listVendorsPage(request.ctx, request.query.limit, request.query.starting_after));

  r.get('/vendors/:vendor_id', {
    schema: { tags, summary: 'Get a vendor by its vendor_id', params: z.object({ vendor_id: VendorSlugSchema }), response: { 200: VendorSchema, ...errorResponses } },
  }, async (request) => getVendor(request.ctx, request.params.vendor_id));
}
