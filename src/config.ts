import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
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
const SPAN_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
/** A time span in seconds: `3600`, `90m`, `24h`, `7d`. */
const span = z
  .string()
  .regex(/^\d+\s*[smhd]?$/, 'a number of seconds or a span like 90m, 24h, 7d')
  .transform((v) => parseInt(v, 10) * (SPAN_UNITS[v.trim().slice(-1)] ?? 1))
  .pipe(z.number().int().min(60, 'at least one minute'));
const origins = list.pipe(
  z.array(
    z
      .string()
      .regex(
        /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/,
        'each origin must be scheme://host[:port]: no path, no wildcard',
      ),
  ),
);

/** The folder holding package.json (this file is src/config.ts or dist/config.js). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEV_CORS_ORIGINS = ['http://localhost:3000', 'http://localhost:5173'];

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

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

const schema = z.object({
  // No default here: unset means production unless the launcher asks otherwise (see loadConfig).
  NODE_ENV: z.enum(NODE_ENVS).optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(4000),
  PROCESS_ROLES: list.pipe(z.array(z.enum(ROLES)).min(1)).default(['api', 'bot', 'jobs']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_URL: optionalUrl,
  CORS_ORIGINS: origins.optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),

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
  EMBEDDED_MONGO_PORT: z.coerce.number().int().min(1).max(65535).default(27117),

  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_JWKS_URL: optionalUrl,
  AUTH_JWT_ISSUER: z.string().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
  AUTH_ROLES_CLAIM: z.string().min(1).max(200).default('roles'),
  AUTH_MAX_TOKEN_AGE: span.default(86_400),

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
  /** The identity provider's sign-in page for the support console; it returns with `#access_token=…`. */
  CONSOLE_LOGIN_URL: optionalUrl,
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
  JOB_RUNS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  // Below the 30 s a platform (Render, Kubernetes, compose.yaml's stop_grace_period) waits before SIGKILL.
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(300_000).default(20_000),

  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  ANALYSIS_COST_CREDITS: z.coerce.number().int().min(1).max(1000).default(1),
});

/** Every variable the service knows (deployment files are checked against this list). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

export type Env = z.infer<typeof schema>;
export type Config = Omit<Env, 'NODE_ENV' | 'CORS_ORIGINS'> & {
  NODE_ENV: NodeEnv;
  /** Exact origins a browser may call the API from (none = same-origin only). */
  CORS_ORIGINS: string[];
  creditPackages: CreditPackage[];
  /** Absolute. */
  backupDir: string;
};

export interface LoadOptions {
  /**
   * NODE_ENV when the environment does not set it. Production unless a development launcher
   * (`npm start`, `npm run dev`, `npm run cli`) asks for development: a deploy that forgets the
   * variable must not silently become a demo with an in-memory database.
   */
  defaultEnv?: NodeEnv;
  /**
   * For a command that reads backup files only (`backup verify`): production's requirements of a
   * database and of an auth key do not apply, so it works on a machine that cannot reach either.
   */
  offline?: boolean;
}

/** `--default-env=development` (what the npm scripts pass), taken out of the arguments. */
export function takeDefaultEnv(args: readonly string[]): { defaultEnv?: NodeEnv; rest: string[] } {
  const flag = '--default-env=';
  const given = args.find((a) => a.startsWith(flag))?.slice(flag.length);
  const rest = args.filter((a) => !a.startsWith(flag));
  if (given === undefined) return { rest };
  if (!(NODE_ENVS as readonly string[]).includes(given))
    throw new ConfigError([`--default-env: must be one of ${NODE_ENVS.join(', ')}`]);
  return { defaultEnv: given as NodeEnv, rest };
}

/**
 * The environment plus the variables of a `.env` file when there is one (Node's own parser). A
 * variable already in the environment wins over the file, as with `node --env-file`.
 */
export function withEnvFile(
  env: Record<string, string | undefined> = process.env,
  file = resolve('.env'),
): Record<string, string | undefined> {
  if (!existsSync(file)) return env;
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (default: process.env). Empty strings count as unset. */
export function loadConfig(env: Record<string, string | undefined> = process.env, options: LoadOptions = {}): Config {
  const known = Object.fromEntries(
    Object.keys(schema.shape)
      .map((k) => [k, env[k]] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = schema.safeParse(known);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`));
  const e = parsed.data;
  const nodeEnv = e.NODE_ENV ?? options.defaultEnv ?? 'production';
  const unsetHint = e.NODE_ENV ? '' : ' (NODE_ENV is unset, which means production; npm start sets development)';
  const problems: string[] = [];
  if (nodeEnv === 'production' && !options.offline) {
    if (!e.MONGODB_URI) problems.push(`MONGODB_URI: required when NODE_ENV=production${unsetHint}`);
    if (!e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL)
      problems.push(`AUTH_JWT_SECRET: set it or AUTH_JWKS_URL when NODE_ENV=production${unsetHint}`);
    // An identity provider signs tokens for all its applications: without these, any of them gets in.
    if (e.AUTH_JWKS_URL && !e.AUTH_JWT_ISSUER)
      problems.push(`AUTH_JWT_ISSUER: required with AUTH_JWKS_URL when NODE_ENV=production${unsetHint}`);
    if (e.AUTH_JWKS_URL && !e.AUTH_JWT_AUDIENCE)
      problems.push(`AUTH_JWT_AUDIENCE: required with AUTH_JWKS_URL when NODE_ENV=production${unsetHint}`);
  }
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET)
    problems.push('STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set');
  if (problems.length > 0) throw new ConfigError(problems);
  // Relative paths are read from the project folder, not the working directory: starting from
  // another folder must open the same data, never a new empty database.
  const dataDir = absolute(e.DATA_DIR);
  return {
    ...e,
    NODE_ENV: nodeEnv,
    DATA_DIR: dataDir,
    CORS_ORIGINS: e.CORS_ORIGINS ?? (nodeEnv === 'development' ? DEV_CORS_ORIGINS : []),
    creditPackages: e.CREDIT_PACKAGES ?? DEFAULT_CREDIT_PACKAGES,
    backupDir: e.BACKUP_DIR ? absolute(e.BACKUP_DIR) : resolve(dataDir, 'backups'),
  };
}

const absolute = (path: string): string => (isAbsolute(path) ? path : resolve(PROJECT_ROOT, path));
