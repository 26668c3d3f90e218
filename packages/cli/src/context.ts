import { createFrameOSClient, FrameOSError, NetworkError, ApprovalRequiredError, type FrameOSClient } from '@frameos/client';
import { credentials, type Credentials } from './config.ts';
import { CliError, EXIT, type Output, type OutputStreams } from './output.ts';

/** What every command gets: its output, the environment and the global flags. */
export interface CommandContext {
  out: Output;
  streams: OutputStreams;
  cwd: string;
  flags: { apiUrl?: string; apiKey?: string };
}

export async function clientFor(ctx: CommandContext): Promise<{ client: FrameOSClient; creds: Credentials }> {
  const creds = await credentials(ctx.streams.env, ctx.flags);
  return { client: createFrameOSClient({ baseUrl: creds.apiUrl, apiKey: creds.apiKey }), creds };
}

/** The API's refusals as CLI errors: the API's code and message, the policy's reason, the field. */
export function fromApiError(err: unknown): unknown {
  if (err instanceof ApprovalRequiredError) {
    return new CliError('approval_required', `Waiting for a person to approve mandate ${err.mandateId}; approve or reject it in the dashboard (Approvals).`, EXIT.approval, { mandate_id: err.mandateId });
  }
  if (err instanceof NetworkError) return new CliError('network_error', `Cannot reach the FrameOS API: ${err.message}`);
  if (err instanceof FrameOSError) {
    const reason = typeof err.details.reason === 'string' ? ` (reason: ${err.details.reason})` : '';
    const field = typeof err.details.field === 'string' ? ` [${err.details.field}]` : '';
    return new CliError(err.code, `${err.message}${reason}${field}`, EXIT.failed, { status: err.status, ...err.details });
  }
  return err;
}
