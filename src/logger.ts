import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import type { Logger } from './domain/ports/runtime.port.js';
import { maskSecrets, maskSecretsInText } from './log-redaction.js';

/**
 * JSON logs. Secrets are kept out two ways: redact paths for fields known to hold them (headers,
 * config values), and `maskSecrets` over every logged object and message for secrets that ride
 * inside URLs and error objects (see log-redaction.ts). `destination` lets tests capture the output.
 */
export function createLogger(level: string, name = 'noi-credits', destination?: DestinationStream): Pino & Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    formatters: { log: (obj) => maskSecrets(obj) as Record<string, unknown> },
    serializers: { err: errSerializer, error: errSerializer },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? maskSecretsInText(a) : a)) as Parameters<typeof method>,
        );
      },
    },
    redact: {
      paths: [
        'authorization',
        'headers.authorization',
        'headers.cookie',
        '*.headers.authorization',
        '*.headers.cookie',
        'req.headers["stripe-signature"]',
        '*.token',
        '*.secret',
        '*.password',
        '*.apiKey',
        'config.AUTH_JWT_SECRET',
        'config.STRIPE_SECRET_KEY',
        'config.STRIPE_WEBHOOK_SECRET',
        'config.DISCORD_TOKEN',
        'config.OPENAI_API_KEY',
        'config.MONGODB_URI',
        'config.DISCORD_ALERT_WEBHOOK_URL',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Errors that reach a serializer unmasked (e.g. a child logger's bindings) are masked here too. */
const errSerializer = (value: unknown): unknown => maskSecrets(value);
