import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CREDIT_PACKAGES, loadConfig } from '../../src/config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

describe('loadConfig', () => {
  it('starts from an empty environment with development defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ NODE_ENV: 'development', PORT: 4000, LOG_LEVEL: 'info', DATA_DIR: './data' });
    expect(c.PROCESS_ROLES).toEqual(['api', 'bot', 'jobs']);
    expect(c.creditPackages).toEqual(DEFAULT_CREDIT_PACKAGES);
    expect(c.backupDir).toBe('./data/backups');
  });

  it('treats empty strings as unset', () => {
    const c = loadConfig({ PORT: '', MONGODB_URI: '' });
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
  ])('stops on a bad %s and names it', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(name);
  });

  it('requires MONGODB_URI and an auth key in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.some((p) => p.startsWith('MONGODB_URI'))).toBe(true);
    expect(problems.some((p) => p.startsWith('AUTH_JWT_SECRET'))).toBe(true);
  });

  it('requires a webhook secret whenever a Stripe key is set', () => {
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_test_123' })).toEqual([
      'STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set',
    ]);
  });

  it('parses lists, booleans and packages', () => {
    const c = loadConfig({
      PROCESS_ROLES: 'api, jobs',
      SUPPORT_ROLE_IDS: '1,2',
      STRIPE_WEBHOOK_SECRET: 'whsec_a,whsec_b',
      BACKUP_GZIP: 'true',
      CREDIT_PACKAGES: '[{"id":"one","name":"One","credits":1,"amount":100,"currency":"eur"}]',
    });
    expect(c.PROCESS_ROLES).toEqual(['api', 'jobs']);
    expect(c.SUPPORT_ROLE_IDS).toEqual(['1', '2']);
    expect(c.STRIPE_WEBHOOK_SECRET).toEqual(['whsec_a', 'whsec_b']);
    expect(c.BACKUP_GZIP).toBe(true);
    expect(c.creditPackages).toEqual([{ id: 'one', name: 'One', credits: 1, amount: 100, currency: 'eur' }]);
  });
});
