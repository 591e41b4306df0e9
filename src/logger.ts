import { pino, type Logger as Pino } from 'pino';
import type { Logger } from './domain/ports/runtime.port.js';

/** JSON logs; secrets are redacted wherever they might appear in a logged object. */
export function createLogger(level: string, name = 'noi-credits'): Pino & Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'authorization',
        'headers.authorization',
        'req.headers.authorization',
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
  });
}
