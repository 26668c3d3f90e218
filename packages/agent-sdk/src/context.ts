/**
 * The contract between a FrameOS agent and the sandbox that runs it. An agent is one self-contained
 * ES module whose default export is an `AgentHandler`; it may import nothing at run time (bundle it
 * with esbuild). `ctx` carries only the capability APIs its manifest declares.
 */

/** The manifest capability names; each adds one API to `ctx`. */
export type AgentCapability = 'http_request' | 'email' | 'file_storage' | 'database_read' | 'database_write' | 'webhook' | 'browser_automation';

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
  /**
   * ISO 8601 with a zone (…Z or ±hh:mm), at most 90 days ahead: the platform queues the message durably
   * and sends it then (cancelled if the deployment is deleted); now or past sends at once.
   */
  send_at?: string;
}

/** browser_automation: one page per call in a fresh browser context, limited to the deployment's allowed hosts. */
export interface AgentBrowserReadOptions {
  /** Up to 50: name (letters, digits, _) → a CSS selector whose first match's visible text is returned in `fields`. */
  selectors?: Record<string, string>;
  /** A CSS selector to wait for after the page's `load`. */
  wait_for?: string;
  /** Also return the page's links (at most 100). */
  links?: boolean;
  /** 100–60 000 ms; default 15 000; never past the run's deadline. */
  timeout_ms?: number;
}

export interface AgentBrowserPage {
  url: string;
  status: number;
  title: string;
  /** The page's visible text (at most 64 KiB). */
  text: string;
  text_truncated: boolean;
  fields: Record<string, string | null>;
  links?: { href: string; text: string }[];
  /** Requests of the page the platform refused (a host not allowed, a private address). */
  blocked: { url: string; code: string }[];
  blocked_count: number;
}

export interface AgentBrowser {
  read(url: string | { toString(): string }, options?: AgentBrowserReadOptions): Promise<AgentBrowserPage>;
}

/** What `ctx.email.send` answers: sent now, or queued durably for `send_at`. */
export type AgentEmailResult =
  | { status: 'sent'; message_id: string | null }
  | { status: 'scheduled'; id: string; send_at: string; message_id: string };

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
  email?: { send(message: AgentEmailMessage): Promise<AgentEmailResult> };
  /** file_storage */
  storage?: AgentStorage;
  /** database_read / database_write */
  db?: AgentDatabase;
  /** browser_automation */
  browser?: AgentBrowser;
  /** webhook: an event delivered to the deployment's webhook endpoints. */
  emit?(type: string, data: JsonValue): Promise<void>;
  /** pay_per_use pricing: bills `units` against the execution's hold. */
  charge?(units: number, options?: { event?: string }): Promise<unknown>;
}

/** What every run's `ctx` has, whatever the manifest declares. */
export type AgentBaseContext = Pick<AgentContext, 'execution_id' | 'config' | 'secrets' | 'signal' | 'log'>;

/** database_read's half of `ctx.db`. */
export type AgentDatabaseRead = Pick<AgentDatabase, 'get' | 'list'>;

/** The part of `ctx` each declared capability adds. */
export interface CapabilityContexts {
  http_request: { fetch: NonNullable<AgentContext['fetch']> };
  email: { email: NonNullable<AgentContext['email']> };
  file_storage: { storage: AgentStorage };
  database_read: { db: AgentDatabaseRead };
  database_write: { db: Required<AgentDatabase> };
  webhook: { emit: NonNullable<AgentContext['emit']> };
  browser_automation: { browser: AgentBrowser };
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * The `ctx` of an agent declaring capabilities `C` (and, for pay-per-use pricing, `ctx.charge`): an
 * API the manifest does not declare is not in the type, as it is not in the sandbox.
 */
export type TypedAgentContext<C extends AgentCapability, Charge extends boolean = false> = AgentBaseContext &
  ([C] extends [never] ? unknown : UnionToIntersection<CapabilityContexts[C]>) &
  (Charge extends true ? { charge: NonNullable<AgentContext['charge']> } : unknown);
