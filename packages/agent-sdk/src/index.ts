/**
 * The contract between a FrameOS agent and the sandbox that runs it. An agent is one self-contained
 * ES module whose default export is an `AgentHandler`; it may import nothing at run time (bundle it
 * with esbuild). `ctx` carries only the capability APIs its manifest declares.
 */

/** The manifest capability names; each adds one API to `ctx`. */
export type AgentCapability = 'http_request' | 'email' | 'file_storage' | 'database_read' | 'database_write' | 'webhook';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Returns the agent's outputs: a plain JSON object (anything else fails the execution with `invalid_output`). */
export type AgentHandler = (inputs: Record<string, unknown>, ctx: AgentContext) => Promise<Record<string, unknown>>;

export interface AgentAbortSignal {
  readonly aborted: boolean;
  /** An Error named `AbortError` once aborted. */
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: (event: { type: 'abort' }) => void): void;
  removeEventListener(type: 'abort', listener: (event: { type: 'abort' }) => void): void;
  throwIfAborted(): void;
}

export interface AgentFetchInit {
  method?: string;
  headers?: Record<string, string> | [string, string][];
  body?: string;
}

export interface AgentFetchResponse {
  ok: boolean;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  url: string;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export interface AgentEmailMessage {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
}

/** file_storage: text files of this deployment. */
export interface AgentStorage {
  put(key: string, data: string): Promise<void>;
  get(key: string): Promise<string | null>;
  list(prefix?: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

/** database_read: get and list; database_write adds put and delete. */
export interface AgentDatabase {
  get(key: string): Promise<JsonValue | null>;
  list(prefix?: string): Promise<string[]>;
  put?(key: string, value: JsonValue): Promise<void>;
  delete?(key: string): Promise<void>;
}

export interface AgentContext {
  execution_id: string;
  /** The deployment's configuration. */
  config: Record<string, unknown>;
  /** The deployment's secrets; they exist only inside this execution. */
  secrets: Record<string, string>;
  /** Aborted when the execution is aborted or reaches its timeout. */
  signal: AgentAbortSignal;
  /** Same as console.log: goes to the execution's logs (capped per execution). */
  log(...args: unknown[]): void;
  /** http_request. The platform refuses private, loopback and link-local addresses. */
  fetch?(url: string | { toString(): string }, init?: AgentFetchInit): Promise<AgentFetchResponse>;
  /** email */
  email?: { send(message: AgentEmailMessage): Promise<unknown> };
  /** file_storage */
  storage?: AgentStorage;
  /** database_read / database_write */
  db?: AgentDatabase;
  /** webhook: an event delivered to the deployment's webhook endpoints. */
  emit?(type: string, data: JsonValue): Promise<void>;
  /** pay_per_use pricing: bills `units` against the execution's hold. */
  charge?(units: number, options?: { event?: string }): Promise<unknown>;
}

/** Types a handler without changing it: `export default defineAgent(async (inputs, ctx) => …)`. */
export function defineAgent(handler: AgentHandler): AgentHandler {
  return handler;
}
