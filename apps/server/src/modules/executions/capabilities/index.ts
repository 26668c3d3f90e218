import type { AppContext } from '../../../context.ts';
import type { CapabilityHandlers } from '../run-host.ts';
import { browserCapability } from './browser.ts';
import { emailCapability } from './email.ts';
import { emitCapability } from './emit.ts';
import { fetchCapability } from './fetch.ts';
import { kvCapabilities } from './kv.ts';
import { storageCapabilities } from './storage.ts';

export { BROWSER_LIMITS, closeBrowser, createBrowserCapability, type BrowserLimits, type BrowserNetwork, type BrowserReadResult } from './browser.ts';
export { closeEmailTransport, createEmailCapability, EMAIL_LIMITS, type EmailLimits } from './email.ts';
export { createEmitCapability, EMITS_PER_RUN } from './emit.ts';
export { emailRetryDelayMs, SCHEDULED_EMAIL, sendDueEmails, startScheduledEmailLoop, type ScheduledEmailOptions } from './scheduled-email.worker.ts';
export { cancelPendingEmails, listScheduledEmails, type ScheduledEmailRow } from './scheduled-email.repo.ts';
export { createFetchCapability, FETCH_LIMITS, hostAllowed, type FetchLimits } from './fetch.ts';

/**
 * The host side of every capability but `charge` (which `run-host.ts` keeps): what the execution
 * worker is given (`new ExecutionWorker(app, sandbox, defaultCapabilities(app))`). The handlers keep
 * their per-app state (SMTP transport, rate-limit counters) keyed by the app, so `app` is not needed
 * to build them; it is taken so a later handler can be configured from it.
 */
export function defaultCapabilities(_app: AppContext): CapabilityHandlers {
  return {
    fetch: fetchCapability,
    'email.send': emailCapability,
    ...storageCapabilities,
    ...kvCapabilities,
    emit: emitCapability,
    'browser.read': browserCapability,
  };
}
