import { z } from 'zod';
import { AmountSchema } from '@frameos/domain';

/**
 * The A2A v1.0 JSON-RPC binding's requests (ProtoJSON of `lf.a2a.v1`), as far as FrameOS reads them.
 * Unknown fields are ignored, as a ProtoJSON parser does; what is read is checked here.
 */

const IdSchema = z.union([z.string().max(255), z.number().int(), z.null()]);

/** A JSON-RPC 2.0 request object (batches are not part of A2A). */
export const JsonRpcRequestSchema = z.object({
  jsonrpc: z.literal('2.0'),
  method: z.string().min(1).max(100),
  params: z.unknown().optional(),
  id: IdSchema.optional(),
});

export type JsonRpcId = z.infer<typeof IdSchema>;

const StructSchema = z.record(z.string().max(255), z.unknown());

export const PartSchema = z.object({
  text: z.string().max(64 * 1024).optional(),
  data: z.unknown().optional(),
  url: z.string().max(4096).optional(),
  raw: z.string().optional(),
  mediaType: z.string().max(255).optional(),
  filename: z.string().max(255).optional(),
  metadata: StructSchema.optional(),
});

export const MessageSchema = z.object({
  messageId: z.string().min(1).max(200),
  contextId: z.string().max(255).optional(),
  taskId: z.string().max(255).optional(),
  role: z.string().max(32),
  parts: z.array(PartSchema).min(1).max(32),
  metadata: StructSchema.optional(),
  extensions: z.array(z.string().max(1024)).max(32).optional(),
  referenceTaskIds: z.array(z.string().max(255)).max(32).optional(),
});

export const SendMessageParamsSchema = z.object({
  tenant: z.string().max(255).optional(),
  message: MessageSchema,
  configuration: z.object({
    acceptedOutputModes: z.array(z.string().max(255)).max(32).optional(),
    taskPushNotificationConfig: z.unknown().optional(),
    historyLength: z.number().int().min(0).optional(),
    returnImmediately: z.boolean().optional(),
  }).optional(),
  metadata: StructSchema.optional(),
});

export type SendMessageParams = z.infer<typeof SendMessageParamsSchema>;

/** What FrameOS reads from the message's (or the request's) metadata. */
export const FrameOSMetadataSchema = z.object({
  /** The deployment that runs and pays; default: the caller's one active deployment of the agent. */
  deployment_id: z.string().min(1).max(64).optional(),
  /** pay_per_use: the most the run may charge (what is held). */
  max_charge: AmountSchema.optional(),
});

export const GetTaskParamsSchema = z.object({
  tenant: z.string().max(255).optional(),
  id: z.string().min(1).max(64),
  historyLength: z.number().int().min(0).optional(),
});

export const CancelTaskParamsSchema = z.object({
  tenant: z.string().max(255).optional(),
  id: z.string().min(1).max(64),
  metadata: StructSchema.optional(),
});

/** Documents the endpoint in /openapi.json: every answer is a JSON-RPC response (HTTP 200). */
export const JsonRpcResponseSchema = z.object({
  jsonrpc: z.literal('2.0'),
  id: IdSchema,
  result: z.unknown().optional(),
  error: z.object({ code: z.number().int(), message: z.string(), data: z.array(z.record(z.string(), z.unknown())).optional() }).optional(),
});

/** The Agent Card (lf.a2a.v1.AgentCard, docs/a2a.md). */
export const AgentCardResponseSchema = z.object({
  name: z.string(),
  description: z.string(),
  supportedInterfaces: z.array(z.object({ url: z.string(), protocolBinding: z.string(), protocolVersion: z.string() })),
  version: z.string(),
  capabilities: z.record(z.string(), z.unknown()),
  securitySchemes: z.record(z.string(), z.unknown()),
  defaultInputModes: z.array(z.string()),
  defaultOutputModes: z.array(z.string()),
  skills: z.array(z.record(z.string(), z.unknown())),
  signatures: z.array(z.object({ protected: z.string(), signature: z.string() })).optional(),
}).loose();
