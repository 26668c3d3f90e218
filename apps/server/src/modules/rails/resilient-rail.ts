import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from 'cockatiel';
import { DEFAULT_RESILIENCE, type ResilienceOptions } from '../../config.ts';
import { RailError, type RailAdapter, type RailCallOptions, type RailChargeRequest, type RailPaymentResult, type RailRefundRequest, type RailRefundResult, type RailStatusRequest, type RailWebhookEvent, type RailWebhookInput } from './rail-adapter.ts';

/** An adapter as the services use it: the wrapper owns timeouts and cancellation. */
export interface ResilientRail {
  readonly name: RailAdapter['name'];
  readonly currencies: readonly string[];
  readonly consistentStatusLookup: boolean;
  charge(request: RailChargeRequest): Promise<RailPaymentResult>;
  status(request: RailStatusRequest): Promise<RailPaymentResult>;
  refund(request: RailRefundRequest): Promise<RailRefundResult>;
  parseWebhook?(input: RailWebhookInput): RailWebhookEvent;
}

const isTransient = (err: Error) => (err instanceof RailError && err.transient) || err instanceof TaskCancelledError;

/**
 * Wraps an adapter so each provider call has a timeout, transient failures (timeouts, connection
 * errors, 5xx, 429) are retried with exponential backoff and jitter, and a rail that keeps failing
 * is cut off by a circuit breaker instead of making every payment wait for its timeouts. Retrying is
 * safe because every call carries our payment or refund id as the provider's idempotency key.
 * Errors leave as RailError: `rail_timeout`, `rail_unavailable` (circuit open), or the adapter's own.
 */
export function resilientRail(adapter: RailAdapter, options: ResilienceOptions = DEFAULT_RESILIENCE): ResilientRail {
  const breaker = circuitBreaker(handleWhen(isTransient), {
    halfOpenAfter: options.breakerHalfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  const retries = retry(handleWhen(isTransient), {
    maxAttempts: options.maxAttempts - 1,
    backoff: new ExponentialBackoff({ initialDelay: options.initialBackoffMs, maxDelay: options.maxBackoffMs }),
  });
  const policy: IPolicy = wrap(retries, breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));

  const call = async <T>(operation: string, fn: (o: RailCallOptions) => Promise<T>): Promise<T> => {
    try {
      return await policy.execute(({ signal }) => fn({ signal }));
    } catch (err) {
      throw asRailError(adapter.name, operation, err, options.timeoutMs);
    }
  };

  const wrapped: ResilientRail = {
    name: adapter.name,
    currencies: adapter.currencies,
    consistentStatusLookup: adapter.consistentStatusLookup ?? false,
    charge: (request) => call('charge', (o) => adapter.charge(request, o)),
    status: (request) => call('status', (o) => adapter.status(request, o)),
    refund: (request) => call('refund', (o) => adapter.refund(request, o)),
  };
  if (adapter.parseWebhook) wrapped.parseWebhook = adapter.parseWebhook.bind(adapter);
  return wrapped;
}

function asRailError(rail: string, operation: string, err: unknown, timeoutMs: number): RailError {
  if (err instanceof RailError) return err;
  if (err instanceof TaskCancelledError) return new RailError('rail_timeout', `${rail} did not answer the ${operation} call within ${timeoutMs} ms`, true);
  if (err instanceof BrokenCircuitError) return new RailError('rail_unavailable', `${rail} is failing repeatedly; calls are paused for a while (circuit open)`, true);
  return new RailError('rail_error', `${rail} ${operation} failed unexpectedly`, true);
}
