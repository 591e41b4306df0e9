import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  ConfigError,
  DEFAULT_CREDIT_PACKAGES,
  loadConfig,
  PROJECT_ROOT,
  takeDefaultEnv,
  type LoadOptions,
} from '../../src/config.js';

const DEV: LoadOptions = { defaultEnv: 'development' };
const problemsOf = (env: Record<string, string>, options: LoadOptions = DEV): string[] => {
  try {
    loadConfig(env, options);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

describe('loadConfig', () => {
  it('starts from an empty environment with development defaults when the launcher asks for development', () => {
    const c = loadConfig({}, DEV);
    expect(c).toMatchObject({ NODE_ENV: 'development', PORT: 4000, LOG_LEVEL: 'info' });
    expect(c.PROCESS_ROLES).toEqual(['api', 'bot', 'jobs']);
    expect(c.creditPackages).toEqual(DEFAULT_CREDIT_PACKAGES);
    expect(c.CORS_ORIGINS).toEqual(['http://localhost:3000', 'http://localhost:5173']);
    // Running jobs get 20 s on SIGTERM: the stop fits in the 30 s platforms wait before killing.
    expect(c).toMatchObject({ SHUTDOWN_GRACE_MS: 20_000, JOB_RUNS_RETENTION_DAYS: 90 });
  });

  it('treats NODE_ENV unset as production: MONGODB_URI and an auth key required, the default named', () => {
    const problems = problemsOf({}, {});
    expect(problems).toEqual([
      expect.stringMatching(
        /^MONGODB_URI: required when NODE_ENV=production \(NODE_ENV is unset, which means production/,
      ),
      expect.stringMatching(/^AUTH_JWT_SECRET: set it or AUTH_JWKS_URL when NODE_ENV=production/),
    ]);
    const c = loadConfig({ MONGODB_URI: 'mongodb://db/noi?replicaSet=rs0', AUTH_JWT_SECRET: 'x'.repeat(32) });
    expect(c.NODE_ENV).toBe('production');
    expect(c.CORS_ORIGINS).toEqual([]);
  });

  it('lets NODE_ENV win over the launcher default', () => {
    expect(problemsOf({ NODE_ENV: 'production' }, DEV).join('\n')).toContain('MONGODB_URI');
    expect(loadConfig({ NODE_ENV: 'test' }, DEV).NODE_ENV).toBe('test');
  });

  it('takes --default-env out of the arguments and refuses an unknown one', () => {
    expect(takeDefaultEnv(['--default-env=development', 'token', '--email', 'a@b.c'])).toEqual({
      defaultEnv: 'development',
      rest: ['token', '--email', 'a@b.c'],
    });
    expect(takeDefaultEnv(['backup'])).toEqual({ rest: ['backup'] });
    expect(() => takeDefaultEnv(['--default-env=staging'])).toThrow(/--default-env/);
  });

  it('resolves DATA_DIR and BACKUP_DIR against the project folder, whatever the working directory', () => {
    const c = loadConfig({}, DEV);
    expect(c.DATA_DIR).toBe(join(PROJECT_ROOT, 'data'));
    expect(c.backupDir).toBe(join(PROJECT_ROOT, 'data', 'backups'));
    expect(loadConfig({ DATA_DIR: 'var/noi', BACKUP_DIR: '/srv/backups' }, DEV)).toMatchObject({
      DATA_DIR: join(PROJECT_ROOT, 'var', 'noi'),
      backupDir: '/srv/backups',
    });
  });

  it('treats empty strings as unset', () => {
    const c = loadConfig({ PORT: '', MONGODB_URI: '' }, DEV);
    expect(c.PORT).toBe(4000);
    expect(c.MONGODB_URI).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'loud'],
    ['MONGODB_URI', 'postgres://x'],
    ['MONGODB_TIMEOUT_MS', '0'],
    ['MONGODB_WRITE_TIMEOUT_MS', 'soon'],
    ['PROCESS_ROLES', 'api,web'],
    ['AUTH_JWT_SECRET', 'short'],
    ['CREDIT_PACKAGES', '{not json'],
    ['CREDIT_PACKAGES', '[{"id":"a","name":"A","credits":0,"amount":100,"currency":"usd"}]'],
    ['STRIPE_WEBHOOK_SECRET', 'nope'],
    ['DISCORD_PUBLIC_KEY', 'xyz'],
    ['SUPPORT_ROLE_IDS', '123,abc'],
    ['BACKUP_RETENTION', '0'],
    ['CORS_ORIGINS', '*'],
    ['CORS_ORIGINS', 'https://a.example.com/app'],
    ['EMBEDDED_MONGO_PORT', '0'],
    ['METRICS_TOKEN', 'short'],
    ['SHUTDOWN_GRACE_MS', '-1'],
    ['SHUTDOWN_GRACE_MS', 'soon'],
    ['JOB_RUNS_RETENTION_DAYS', '0'],
  ])('stops on a bad %s and names it', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(name);
  });

  it('lets a files-only command (backup verify) load production without a database or an auth key', () => {
    const c = loadConfig({ NODE_ENV: 'production', BACKUP_DIR: '/srv/backups' }, { offline: true });
    expect(c).toMatchObject({ NODE_ENV: 'production', backupDir: '/srv/backups' });
    expect(c.MONGODB_URI).toBeUndefined();
    // Values are still checked.
    expect(() => loadConfig({ NODE_ENV: 'production', BACKUP_RETENTION: '0' }, { offline: true })).toThrow(
      /BACKUP_RETENTION/,
    );
  });

  it('requires MONGODB_URI and an auth key in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.some((p) => p.startsWith('MONGODB_URI'))).toBe(true);
    expect(problems.some((p) => p.startsWith('AUTH_JWT_SECRET'))).toBe(true);
  });

  it('requires issuer and audience with a JWKS URL in production, naming both', () => {
    const base = { NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/noi', AUTH_JWKS_URL: 'https://id.example/jwks' };
    expect(problemsOf(base)).toEqual([
      'AUTH_JWT_ISSUER: required with AUTH_JWKS_URL when NODE_ENV=production',
      'AUTH_JWT_AUDIENCE: required with AUTH_JWKS_URL when NODE_ENV=production',
    ]);
    expect(problemsOf({ ...base, AUTH_JWT_ISSUER: 'https://id.example/', AUTH_JWT_AUDIENCE: 'noi-api' })).toEqual([]);
    expect(problemsOf({ ...base, NODE_ENV: 'development' })).toEqual([]);
  });

  it('parses the roles claim and the maximum token age', () => {
    expect(loadConfig({}, DEV)).toMatchObject({ AUTH_ROLES_CLAIM: 'roles', AUTH_MAX_TOKEN_AGE: 86_400 });
    expect(loadConfig({ AUTH_MAX_TOKEN_AGE: '90m' }, DEV).AUTH_MAX_TOKEN_AGE).toBe(5400);
    expect(loadConfig({ AUTH_MAX_TOKEN_AGE: '3600' }, DEV).AUTH_MAX_TOKEN_AGE).toBe(3600);
    for (const bad of ['forever', '1w', '10s'])
      expect(problemsOf({ AUTH_MAX_TOKEN_AGE: bad }).join('\n')).toContain('AUTH_MAX_TOKEN_AGE');
  });

  it('requires a webhook secret whenever a Stripe key is set', () => {
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_test_123' })).toEqual([
      'STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set',
    ]);
  });

  it('parses lists, booleans and packages', () => {
    const c = loadConfig(
      {
        PROCESS_ROLES: 'api, jobs',
        SUPPORT_ROLE_IDS: '1,2',
        STRIPE_WEBHOOK_SECRET: 'whsec_a,whsec_b',
        BACKUP_GZIP: 'true',
        CREDIT_PACKAGES: '[{"id":"one","name":"One","credits":1,"amount":100,"currency":"eur"}]',
        CORS_ORIGINS: 'https://app.example.com, http://localhost:8080',
      },
      DEV,
    );
    expect(c.CORS_ORIGINS).toEqual(['https://app.example.com', 'http://localhost:8080']);
    expect(c.PROCESS_ROLES).toEqual(['api', 'jobs']);
    expect(c.SUPPORT_ROLE_IDS).toEqual(['1', '2']);
    expect(c.STRIPE_WEBHOOK_SECRET).toEqual(['whsec_a', 'whsec_b']);
    expect(c.BACKUP_GZIP).toBe(true);
    expect(c.creditPackages).toEqual([{ id: 'one', name: 'One', credits: 1, amount: 100, currency: 'eur' }]);
  });
});
