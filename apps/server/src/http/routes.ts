import type { App } from './app-type.ts';
import type { AppContext } from '../context.ts';
import { healthRoutes } from '../modules/health/health.routes.ts';
import { signingKeyRoutes } from '../modules/signing-keys/signing-keys.routes.ts';
import { authRoutes } from '../modules/auth/auth.routes.ts';
import { memberRoutes } from '../modules/auth/members.routes.ts';
import { agentAccountRoutes } from '../modules/agent-accounts/agent-accounts.routes.ts';
import { vendorRoutes } from '../modules/vendors/vendors.routes.ts';
import { policyRoutes } from '../modules/policies/policies.routes.ts';
import { intentRoutes } from '../modules/intents/intents.routes.ts';
import { mandateRoutes } from '../modules/mandates/mandates.routes.ts';
import { paymentRoutes } from '../modules/payments/payments.routes.ts';
import { receiptRoutes } from '../modules/receipts/receipts.routes.ts';
import { integrityRoutes } from '../modules/integrity/integrity.routes.ts';
import { railAccountRoutes } from '../modules/rail-accounts/rail-accounts.routes.ts';
import { refundRoutes } from '../modules/payments/refunds.routes.ts';
import { railWebhookRoutes } from '../modules/payments/rail-webhooks.routes.ts';
import { metricsRoutes } from '../modules/metrics/metrics.routes.ts';
import { webhookEndpointRoutes } from '../modules/webhooks/webhook-endpoints.routes.ts';

export async function registerRoutes(app: App, appCtx: AppContext): Promise<void> {
  await healthRoutes(app, appCtx);
  await signingKeyRoutes(app, appCtx);
  await authRoutes(app, appCtx);
  await memberRoutes(app);
  await agentAccountRoutes(app);
  await vendorRoutes(app);
  await policyRoutes(app);
  await intentRoutes(app);
  await mandateRoutes(app);
  await paymentRoutes(app);
  await receiptRoutes(app);
  await refundRoutes(app);
  await railAccountRoutes(app);
  await webhookEndpointRoutes(app);
  await railWebhookRoutes(app, appCtx);
  await metricsRoutes(app, appCtx);
  await integrityRoutes(app);
}
