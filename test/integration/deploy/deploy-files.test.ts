import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../../src/config.js';
import { SHUTDOWN_MARGIN_MS } from '../../../src/main.js';
import { dockerIgnore, parseDockerfile } from '../../helpers/dockerfile.js';

/** The deployment files, checked statically (no Docker engine or Render account on test machines). */
const root = join(import.meta.dirname, '..', '..', '..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');

/** Variables of the hosting platform itself, not of the service. */
const PLATFORM = new Set(['NODE_VERSION']);
const SECRET = /SECRET|TOKEN|_KEY$|MONGODB_URI|WEBHOOK_URL/;

/** What production refuses to start without, as loadConfig itself reports it (HS256 and JWKS set-ups). */
function requiredInProduction(env: Record<string, string> = {}): string[] {
  try {
    loadConfig({ NODE_ENV: 'production', ...env });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => p.split(':')[0] ?? p);
  }
  return [];
}

interface RenderService {
  type: string;
  name: string;
  runtime: string;
  buildCommand: string;
  startCommand: string;
  healthCheckPath?: string;
  disk?: { mountPath: string; sizeGB: number };
  envVars: Array<{ key: string; value?: string; sync?: boolean }>;
}

describe('render.yaml', () => {
  const services = (parse(read('render.yaml')) as { services: RenderService[] }).services;
  const web = services.find((s) => s.type === 'web');
  const worker = services.find((s) => s.type === 'worker');
  const value = (s: RenderService | undefined, key: string) => s?.envVars.find((v) => v.key === key)?.value;

  it('has a web service for the API (health check /healthz) and a worker for bot + jobs with a disk for backups', () => {
    expect(web?.healthCheckPath).toBe('/healthz');
    expect(value(web, 'PROCESS_ROLES')).toBe('api');
    expect(value(worker, 'PROCESS_ROLES')).toBe('bot,jobs');
    expect(worker?.disk?.mountPath).toBeTruthy();
    expect(value(worker, 'BACKUP_DIR')?.startsWith(`${worker?.disk?.mountPath}/`)).toBe(true);
  });

  it('builds with the dev tools, prunes them, and starts the built service without a build tool', () => {
    for (const s of services) {
      expect(s.runtime).toBe('node');
      // NODE_ENV=production makes a plain `npm ci` skip devDependencies, and the build needs them.
      expect(s.buildCommand).toMatch(/^npm ci --include=dev\b.*&& npm run build && npm prune --omit=dev\b/);
      expect(s.startCommand).toBe('node dist/main.js');
      expect(Number(value(s, 'NODE_VERSION'))).toBeGreaterThanOrEqual(20);
    }
  });

  it('sets only variables src/config.ts knows, keeps every secret out of the file, and covers what production requires', () => {
    for (const s of services) {
      for (const v of s.envVars) {
        expect(CONFIG_VARIABLES.includes(v.key) || PLATFORM.has(v.key), `${s.name}: ${v.key}`).toBe(true);
        if (SECRET.test(v.key))
          expect(v, `${s.name}: ${v.key} must be sync: false`).toEqual({ key: v.key, sync: false });
        else expect(v.sync === false || v.value !== undefined, `${s.name}: ${v.key}`).toBe(true);
      }
      const keys = s.envVars.map((v) => v.key);
      for (const required of requiredInProduction()) expect(keys, `${s.name} lacks ${required}`).toContain(required);
      if (keys.includes('AUTH_JWKS_URL'))
        for (const required of requiredInProduction({ AUTH_JWKS_URL: 'https://idp.example.com/jwks.json' }))
          expect(keys, `${s.name} lacks ${required}`).toContain(required);
      if (keys.includes('STRIPE_SECRET_KEY')) expect(keys).toContain('STRIPE_WEBHOOK_SECRET');
      // The fixed values parse, with placeholders for what the dashboard asks for.
      const env = Object.fromEntries(
        s.envVars.map((v) => [
          v.key,
          v.value ?? (v.key === 'MONGODB_URI' ? 'mongodb+srv://u:p@c.example.net/noi' : undefined),
        ]),
      );
      expect(() => loadConfig({ ...env, AUTH_JWT_SECRET: 'x'.repeat(32) })).not.toThrow();
    }
  });
});

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  env_file?: string | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
}

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as { services: Record<string, ComposeService>; volumes: object };
  const { mongo, api, worker } = compose.services;

  it('runs MongoDB 8 as a one-node replica set that initiates itself only when needed', () => {
    expect(mongo?.image).toMatch(/^mongo:8(\.|$)/);
    const replSet = mongo?.command?.[mongo.command.indexOf('--replSet') + 1];
    expect(replSet).toBe('rs0');
    const check = (mongo?.healthcheck?.test ?? []).join(' ');
    // rs.initiate sits in the catch of rs.status(): a second check or a restart never re-initiates.
    expect(check).toMatch(/try \{ rs\.status\(\) \} catch \(e\) \{ rs\.initiate\(/);
    expect(check).toMatch(/isWritablePrimary/);
    expect(mongo?.volumes?.some((v) => v.endsWith(':/data/db'))).toBe(true);
  });

  it('runs the API (scalable) and one worker for bot + jobs, both on the replica set and .env', () => {
    expect(api?.build).toBeDefined();
    expect(api?.environment?.PROCESS_ROLES).toBe('api');
    expect(worker?.environment?.PROCESS_ROLES).toBe('bot,jobs');
    expect(worker?.image).toBe(api?.image);
    for (const s of [api, worker]) {
      expect([s?.env_file].flat()).toContain('.env');
      expect(s?.environment?.MONGODB_URI).toMatch(/^mongodb:\/\/mongo:27017\/\w+\?replicaSet=rs0$/);
      expect(s?.depends_on?.mongo?.condition).toBe('service_healthy');
    }
    const backups = worker?.volumes?.find((v) => v.endsWith(`:${worker.environment?.BACKUP_DIR}`));
    expect(backups?.split(':')[0]).toBeTruthy();
    expect(Object.keys(compose.volumes)).toContain(backups?.split(':')[0]);
    expect(worker?.healthcheck?.disable).toBe(true);
  });

  it('gives each service the time a graceful shutdown takes before Docker kills it', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    for (const s of [api, worker]) {
      const seconds = Number(/^(\d+)s$/.exec(s?.stop_grace_period ?? '')?.[1] ?? 10); // Docker's default: 10 s
      expect(seconds * 1000).toBeGreaterThan(config.SHUTDOWN_GRACE_MS + SHUTDOWN_MARGIN_MS);
    }
  });

  it('sets only variables src/config.ts knows; .env.example names what production needs besides', () => {
    const example = read('.env.example');
    for (const s of [api, worker]) {
      const env = s?.environment ?? {};
      for (const key of Object.keys(env)) expect(CONFIG_VARIABLES, key).toContain(key);
      for (const required of requiredInProduction())
        expect(env[required] !== undefined || new RegExp(`^${required}=`, 'm').test(example), required).toBe(true);
      expect(() => loadConfig({ ...env, NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32) })).not.toThrow();
    }
  });
});

describe('Dockerfile', () => {
  const stages = parseDockerfile(read('Dockerfile'));
  const runtime = stages.at(-1)!;
  const step = (op: string) => runtime.steps.filter((s) => s.op === op).map((s) => s.args);

  it('is multi-stage on a Node LTS image, production, non-root, with a /healthz health check', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) {
      const [, major] = /^node:(\d+)-/.exec(s.from) ?? [];
      expect(Number(major) % 2, `${s.from}: even majors are the LTS lines`).toBe(0);
      expect(Number(major)).toBeGreaterThanOrEqual(20);
    }
    expect(step('ENV')).toContain('NODE_ENV=production');
    expect(step('USER')).toHaveLength(1);
    expect(step('USER')[0]).not.toMatch(/^(root|0)$/);
    expect(step('HEALTHCHECK').join(' ')).toContain('/healthz');
    expect(step('CMD')).toEqual(['["node", "dist/main.js"]']);
    const render = (parse(read('render.yaml')) as { services: RenderService[] }).services[0]!;
    expect(runtime.from).toContain(`node:${render.envVars.find((v) => v.key === 'NODE_VERSION')?.value}-`);
  });

  it('keeps secrets, dependencies and build output out of the build context', () => {
    const ignored = dockerIgnore(read('.dockerignore'));
    for (const path of [
      '.env',
      '.env.production',
      'node_modules/x/index.js',
      '.git/HEAD',
      'dist/main.js',
      'data/mongo/x',
    ])
      expect(ignored(path), path).toBe(true);
    for (const path of ['package.json', 'package-lock.json', 'src/main.ts', 'tsconfig.json', '.env.example'])
      expect(ignored(path), path).toBe(false);
  });
});
