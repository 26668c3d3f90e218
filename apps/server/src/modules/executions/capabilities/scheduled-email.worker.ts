import type { AppContext } from '../../../context.ts';
import { isPermanentSmtpError, sendAgentMail, smtpFailureSummary } from './email.ts';
import { claimDueEmails, finishEmailAttempt, type ScheduledEmailRow } from './scheduled-email.repo.ts';

/**
 * The worker side of scheduled email (`ctx.email.send({…, send_at})`, docs/agents.md). Due messages
 * are claimed with a lease (SKIP LOCKED), so with several worker processes each message is in one
 * worker's hands at a time; sent, then marked. A worker that dies after the SMTP server accepted a
 * message and before marking it lets the lease lapse, and another worker sends it again — at least
 * once, with the same Message-ID, which the receiving side can deduplicate on.
 */
export interface ScheduledEmailOptions {
  /** Longer than one send can take (nodemailer's connection, greeting and socket timeouts: 10 + 10 + 30 s). */
  leaseMs: number;
  batchSize: number;
  /** Attempts in all; after the last transient failure the message is `failed`. */
  maxAttempts: number;
  pollMs: number;
}

export const SCHEDULED_EMAIL: ScheduledEmailOptions = { leaseMs: 120_000, batchSize: 10, maxAttempts: 8, pollMs: 1_000 };

/** The wait before attempt `attempt + 1`: 30 s doubled per attempt, at most 1 h, ±20 % jitter. */
export function emailRetryDelayMs(attempt: number, random: number): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random));
}

/** Claims the due messages and sends them; returns how many it claimed. Nothing is claimed without SMTP_URL. */
export async function sendDueEmails(app: AppContext, options: ScheduledEmailOptions = SCHEDULED_EMAIL): Promise<number> {
  const smtp = app.config.runtime.smtp;
  if (!smtp) return 0;
  const claimed = await claimDueEmails(app.database.db, app.clock(), options.leaseMs, options.batchSize);
  await Promise.all(claimed.map((row) => sendOne(app, smtp, row, options)));
  return claimed.length;
}

async function sendOne(app: AppContext, smtp: { url: string; from: string }, row: ScheduledEmailRow, options: ScheduledEmailOptions): Promise<void> {
  const log = { scheduled_email_id: row.id, deployment_id: row.deploymentId, execution_id: row.executionId, attempt: row.attempts };
  try {
    await sendAgentMail(app, smtp, {
      to: row.recipients,
      subject: row.subject,
      text: row.textBody,
      html: row.htmlBody ?? undefined,
      messageId: row.messageId,
      headers: { 'X-FrameOS-Execution': row.executionId, 'X-FrameOS-Deployment': row.deploymentId, 'X-FrameOS-Scheduled-Email': row.id },
    });
  } catch (err) {
    const error = smtpFailureSummary(err);
    const givenUp = isPermanentSmtpError(err) || row.attempts >= options.maxAttempts;
    const now = app.clock();
    await finishEmailAttempt(app.database.db, row.id, row.attempts, givenUp
      ? { status: 'failed', lastError: error }
      : { lastError: error, nextAttemptAt: new Date(now.getTime() + emailRetryDelayMs(row.attempts, Math.random())) });
    if (givenUp) app.log.error({ ...log, error }, 'scheduled agent email failed; given up');
    else app.log.warn({ ...log, error }, 'scheduled agent email not sent; will retry');
    return;
  }
  await finishEmailAttempt(app.database.db, row.id, row.attempts, { status: 'sent', sentAt: app.clock(), lastError: null });
  app.log.info(log, 'scheduled agent email sent');
}

/** The loop of a worker process: polls while idle, goes again at once while a full batch came back. */
export function startScheduledEmailLoop(app: AppContext, options: ScheduledEmailOptions = SCHEDULED_EMAIL): { stop: () => Promise<void> } {
  let stopped = false;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (!stopped) {
      let claimed = 0;
      try {
        claimed = await sendDueEmails(app, options);
      } catch (err) {
        app.log.error({ err }, 'scheduled email batch failed');
      }
      if (claimed < options.batchSize && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}
