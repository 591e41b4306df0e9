import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createOpenAIClient, OpenAIStatementExtractor } from './ai/openai-statement.extractor.js';
import { createDiscordBot, type DiscordBot } from './bot/discord-bot.js';
import { ConfigError, loadConfig, takeDefaultEnv, withEnvFile, type Config } from './config.js';
import { systemClock, type Clock, type Logger } from './domain/ports/runtime.port.js';
import type { Store } from './domain/ports/store.port.js';
import { createGraphqlApi } from './graphql/graphql.server.js';
import { createHttpApp } from './http/app.js';
import { defineJobs } from './jobs/jobs.js';
import { Scheduler } from './jobs/scheduler.js';
import { createLogger } from './logger.js';
import { StripeWebhookVerifier } from './payments/stripe/stripe-webhook.verifier.js';
import { mountStripeWebhook } from './payments/stripe/stripe-webhook.route.js';
import { buildServices, type Services } from './services.js';
import { MEMORY_BANNER, openStore } from './store/open-store.js';

export interface StartOptions {
  config: Config;
  store: Store;
  logger?: Logger;
  clock?: Clock;
}

export interface RunningService {
  url: string;
  port: number;
  services: Services;
  store: Store;
  discord: DiscordBot;
  close(): Promise<void>;
}

/**
 * The composition root: the only place that knows concrete classes. Builds the services on the
 * given store and starts the roles of PROCESS_ROLES (the API listens on HOST:PORT; port 0 picks a
 * free one, which tests use).
 */
export async function startService(options: StartOptions): Promise<RunningService> {
  const { config, store } = options;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const services = buildServices({ config, store, clock, logger, statementExtractor: statementExtractor(config) });
  const stops: Array<() => Promise<void>> = [() => services.alerts.close()];
  const discord = createDiscordBot({ config, services, clock, logger });
  // A restore this or another process left half-done is finished (or undone) before serving.
  await services.backups
    .recoverInterruptedRestore()
    .then((r) => r.action !== 'none' && logger.warn({ ...r }, `interrupted restore: ${r.detail}`))
    .catch((error: unknown) => logger.error({ err: error }, 'could not recover an interrupted restore'));

  if (config.PROCESS_ROLES.includes('jobs')) {
    const scheduler = new Scheduler({
      jobs: defineJobs(config, services, clock),
      runner: services.jobs,
      timezone: config.JOBS_TIMEZONE,
      logger,
    }).start();
    stops.push(() => scheduler.stop());
  }

  let url = '';
  let port = 0;
  if (config.PROCESS_ROLES.includes('api')) {
    const graphql = await createGraphqlApi({ config, services, logger });
    stops.push(() => graphql.stop());
    const stripeWebhook = mountStripeWebhook({
      verifier: config.STRIPE_WEBHOOK_SECRET?.length ? new StripeWebhookVerifier(config.STRIPE_WEBHOOK_SECRET) : null,
      events: services.stripeEvents,
      logger,
    });
    const mounts = [graphql.mount, stripeWebhook];
    if (discord.httpMount) mounts.push(discord.httpMount);
    const app = createHttpApp({ logger, store, mounts, corsOrigins: config.CORS_ORIGINS });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.PORT, config.HOST, () => resolve(s));
      s.once('error', reject);
    });
    port = (server.address() as AddressInfo).port;
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
    url = `http://${host}:${port}`;
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
  }

  if (config.PROCESS_ROLES.includes('bot') && config.DISCORD_TOKEN) {
    const client = discord.startGateway();
    stops.push(() => client.destroy());
  }

  return {
    url,
    port,
    services,
    store,
    discord,
    close: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

/** The OpenAI client exists only here; without OPENAI_API_KEY analyses take typed input only. */
function statementExtractor(config: Config): OpenAIStatementExtractor | undefined {
  if (!config.OPENAI_API_KEY) return undefined;
  const client = createOpenAIClient({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
  });
  return new OpenAIStatementExtractor({ client, model: config.OPENAI_MODEL });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(withEnvFile(), takeDefaultEnv(process.argv.slice(2)));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Refusing to start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const opened = await openStore(config, logger);
  if (opened.choice === 'memory') process.stderr.write(`\n${MEMORY_BANNER}\n\n`);
  const running = await startService({ config, store: opened.store, logger });
  logger.info(
    { url: running.url, roles: config.PROCESS_ROLES, database: opened.choice, env: config.NODE_ENV },
    `noi-credits listening on ${running.url} (database: ${opened.choice})`,
  );

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await running.close();
      await opened.stop();
      clearTimeout(force);
      logger.info({}, 'stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
