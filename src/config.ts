import { z } from 'zod';

/**
 * Every environment variable the service reads, in one schema, parsed once at start-up by
 * `loadConfig`. Nothing else reads `process.env`. A bad value stops start-up with a message that
 * names the variable. `.env.example` documents each one.
 */
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const optionalUrl = z.url().optional();
const port = z.coerce.number().int().min(0).max(65535);

export const creditPackageSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
  name: z.string().min(1).max(80),
  credits: z.number().int().min(1).max(1_000_000),
  amount: z.number().int().min(50),
  currency: z.string().regex(/^[a-z]{3}$/),
  stripePriceId: z.string().optional(),
});
export type CreditPackage = z.infer<typeof creditPackageSchema>;

export const DEFAULT_CREDIT_PACKAGES: CreditPackage[] = [
  { id: 'starter', name: 'Starter — 10 analyses', credits: 10, amount: 1900, currency: 'usd' },
  { id: 'investor', name: 'Investor — 50 analyses', credits: 50, amount: 7900, currency: 'usd' },
  { id: 'portfolio', name: 'Portfolio — 200 analyses', credits: 200, amount: 24900, currency: 'usd' },
];

const packages = z
  .string()
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of packages' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(creditPackageSchema)
      .min(1)
      .refine((a) => new Set(a.map((p) => p.id)).size === a.length, 'package ids must be unique'),
  );

export const ROLES = ['api', 'bot', 'jobs'] as const;

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(4000),
  PROCESS_ROLES: list.pipe(z.array(z.enum(ROLES)).min(1)).default(['api', 'bot', 'jobs']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: optionalUrl,

  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  MONGODB_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/)
    .optional(),
  MONGOMS_SYSTEM_BINARY: z.string().min(1).optional(),
  EMBEDDED_MONGO: z.enum(['auto', 'off']).default('auto'),
  MONGODB_APP_NAME: z.string().min(1).max(128).default('noi-credits'),
  MONGODB_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  MONGODB_WRITE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),

  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_JWKS_URL: optionalUrl,
  AUTH_JWT_ISSUER: z.string().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1).optional(),

  CREDIT_PACKAGES: packages.optional(),
  GRAPHQL_DEPTH_LIMIT: z.coerce.number().int().min(2).max(50).default(8),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(1).max(1000).default(30),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(10).default(5000),
  HTTP_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'like 100kb')
    .default('100kb'),
  RATE_LIMIT_MUTATIONS: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),

  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_/, 'must start with sk_ or rk_')
    .optional(),
  STRIPE_WEBHOOK_SECRET: list
    .pipe(z.array(z.string().startsWith('whsec_', 'each secret must start with whsec_')))
    .optional(),
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: port.optional(),
  STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
  CHECKOUT_SUCCESS_URL: z.url().default('http://localhost:3000/billing/success?session_id={CHECKOUT_SESSION_ID}'),
  CHECKOUT_CANCEL_URL: z.url().default('http://localhost:3000/billing/cancelled'),

  DISCORD_TOKEN: z.string().min(1).optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d+$/).optional(),
  DISCORD_PUBLIC_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters')
    .optional(),
  DISCORD_GUILD_ID: z.string().regex(/^\d+$/).optional(),
  SUPPORT_ROLE_IDS: list.pipe(z.array(z.string().regex(/^\d+$/))).default([]),
  ADMIN_ROLE_IDS: list.pipe(z.array(z.string().regex(/^\d+$/))).default([]),
  SUPPORT_CONFIRM_ABOVE: z.coerce.number().int().min(1).default(100),
  DISCORD_ALERT_WEBHOOK_URL: optionalUrl,
  DISCORD_ALERT_CHANNEL_ID: z.string().regex(/^\d+$/).optional(),
  DISCORD_API_BASE: z.url().default('https://discord.com/api'),

  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_RETENTION: z.coerce.number().int().min(1).default(10),
  BACKUP_GZIP: bool.default(false),
  BACKUP_CRON: z.string().min(9).default('0 3 * * *'),
  VERIFY_LEDGER_CRON: z.string().min(9).default('30 3 * * *'),
  RECONCILE_CRON: z.string().min(9).default('15 * * * *'),
  RELEASE_ABANDONED_CRON: z.string().min(9).default('*/10 * * * *'),
  JOBS_TIMEZONE: z.string().min(1).default('UTC'),

  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  ANALYSIS_COST_CREDITS: z.coerce.number().int().min(1).max(1000).default(1),
});

export type Env = z.infer<typeof schema>;
export type Config = Env & { creditPackages: CreditPackage[]; backupDir: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (default: process.env). Empty strings count as unset. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(schema.shape)
      .map((k) => [k, env[k]] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = schema.safeParse(known);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production') {
    if (!e.MONGODB_URI) problems.push('MONGODB_URI: required when NODE_ENV=production');
    if (!e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL)
      problems.push('AUTH_JWT_SECRET: set it or AUTH_JWKS_URL when NODE_ENV=production');
  }
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET)
    problems.push('STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...e,
    creditPackages: e.CREDIT_PACKAGES ?? DEFAULT_CREDIT_PACKAGES,
    backupDir: e.BACKUP_DIR ?? `${e.DATA_DIR}/backups`,
  };
}
