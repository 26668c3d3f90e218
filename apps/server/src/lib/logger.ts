import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** Anything that could carry a credential is removed before a log line is written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'headers.authorization',
  '*.password',
  '*.api_key',
  '*.secret',
  '*.token',
  '*.jwtSecret',
  '*.mandateSignKey',
  '*.MANDATE_SIGN_KEY',
  '*.JWT_SECRET',
  '*.secretKey',
  '*.webhookSecret',
  '*.clientSecret',
  '*.walletPrivateKey',
  '*.secrets',
  '*.secretsEncryptionKey',
  '*.SECRETS_ENCRYPTION_KEY',
  'req.headers["stripe-signature"]',
  'req.headers["x-webhook-signature"]',
];

/**
 * Writes JSON lines to stdout unless a destination is given (tests capture the log text to check
 * redaction). `pretty` writes human-readable lines instead, for a developer's terminal; redaction
 * and the error serializer apply before either format.
 */
export function createLogger(level: string, destination?: DestinationStream, options: { pretty?: boolean } = {}): Logger {
  const target = options.pretty
    ? pretty({ colorize: destination === undefined, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: destination ?? 1, sync: true })
    : destination;
  return pino({
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // No stack traces in logs: type, message and code are enough to find the line, and a stack can carry data.
      err: (err: Error & { code?: string; cause?: { message?: string } }) => ({
        type: err?.name,
        message: withoutQueryParams(err?.message),
        code: err?.code,
        cause: withoutQueryParams(err?.cause?.message),
      }),
    },
  }, target);
}

/** A failed query's message ends in its parameters (emails, key and password hashes): keep the SQL, drop them. */
function withoutQueryParams(message: string | undefined): string | undefined {
  return message?.replace(/\nparams: [\s\S]*$/, '');
}
