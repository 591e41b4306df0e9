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
import { mountConsole } from './http/console.route.js';
import { createMetrics, watchBackups } from './http/metrics.js';
import { defineJobs } from './jobs/jobs.js';
import { Scheduler } from './jobs/scheduler.js';
import { createLogger } from './logger.js';
import { startupSummary } from './startup-summary.js';
import { resolveWebhookSecrets } from './payments/stripe/dev-webhook-secret.js';
import { StripeWebhookVerifier } from './payments/stripe/stripe-webhook.verifier.js';
import { stripeWebhookRoute } from './payments/stripe/stripe-webhook.route.js';
import { buildServices, type Services } from './services.js';
import { observeLedgerMovements } from './store/metered.store.js';
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
  /** The jobs role's scheduler (absent when this process does not run it). */
  scheduler?: Scheduler;
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
  const metrics = createMetrics();
  const services = buildServices({
    config,
    store: observeLedgerMovements(store, (kinds) => {
      for (const kind of kinds) metrics.ledgerMovements.inc({ kind });
    }),
    clock,
    logger,
    statementExtractor: statementExtractor(config),
    alertResults: metrics.alerts,
  });
  watchBackups(metrics, services.jobs);
  // Stopped in reverse order: intake first (bot, HTTP, cron), then the running jobs get their grace
  // period, and the alert sink closes last so an interrupted job's alert still goes out.
  let jobsStopped: Promise<unknown> | undefined;
  const stops: Array<() => Promise<void>> = [() => services.alerts.close(), async () => void (await jobsStopped)];
  const discord = createDiscordBot({ config, services, clock, logger });
  // A restore this or another process left half-done is finished (or undone) before serving.
  await services.backups
    .recoverInterruptedRestore()
    .then((r) => r.action !== 'none' && logger.warn({ ...r }, `interrupted restore: ${r.detail}`))
    .catch((error: unknown) => logger.error({ err: error }, 'could not recover an interrupted restore'));

  let scheduler: Scheduler | undefined;
  const jobs = config.PROCESS_ROLES.includes('jobs') ? defineJobs(config, services, clock) : [];
  if (jobs.length > 0) {
    const started = new Scheduler({
      jobs,
      runner: services.jobs,
      timezone: config.JOBS_TIMEZONE,
      logger,
      runs: metrics.jobRuns,
    }).start();
    scheduler = started;
    stops.push(() => started.stop());
  }

  let url = '';
  let port = 0;
  if (config.PROCESS_ROLES.includes('api')) {
    const graphql = await createGraphqlApi({ config, services, logger, metrics });
    stops.push(() => graphql.stop());
    const stripeWebhook = stripeWebhookRoute({
      verifier: webhookVerifier(config),
      events: services.stripeEvents,
      logger,
      outcomes: metrics.webhookEvents,
    });
    const routes = [graphql.route, stripeWebhook];
    const mounts = [mountConsole()];
    if (discord.httpMount) mounts.push(discord.httpMount);
    const app = createHttpApp({
      logger,
      store,
      routes,
      mounts,
      metrics,
      corsOrigins: config.CORS_ORIGINS,
      metricsToken: config.METRICS_TOKEN,
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.PORT, config.HOST, () => resolve(s));
      s.once('error', reject);
    });
    port = (server.address() as AddressInfo).port;
    const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
    url = `http://${host}:${port}`;
    // Requests in flight get the same grace as running jobs (both wait at once); then they are cut.
    stops.push(() => app.close(config.SHUTDOWN_GRACE_MS));
  }

  if (config.PROCESS_ROLES.includes('bot') && config.DISCORD_TOKEN) {
    const client = discord.startGateway();
    stops.push(() => client.destroy());
  }

  for (const line of startupSummary(config, { url, jobs: jobs.map((j) => j.name) }))
    logger.info({ role: line.role, status: line.status }, line.message);

  return {
    url,
    port,
    services,
    store,
    discord,
    scheduler,
    close: async () => {
      // Refuses new job runs at once; the jobs' step in `stops` waits for this one shutdown to end.
      jobsStopped ??= services.jobs.shutdown(config.SHUTDOWN_GRACE_MS);
      for (const stop of stops.reverse()) await stop();
    },
  };
}

function webhookVerifier(config: Config): StripeWebhookVerifier | null {
  const secrets = resolveWebhookSecrets(config);
  return secrets ? new StripeWebhookVerifier(secrets) : null;
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

/** What a shutdown may take beyond SHUTDOWN_GRACE_MS: interrupting jobs, closing the HTTP server and the database. */
export const SHUTDOWN_MARGIN_MS = 5000;

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
    {
      url: running.url,
      roles: config.PROCESS_ROLES,
      database: opened.choice,
      env: config.NODE_ENV,
      dataDir: config.DATA_DIR,
    },
    `noi-credits listening on ${running.url} (database: ${opened.choice})`,
  );

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Running jobs get SHUTDOWN_GRACE_MS (then are interrupted); the rest of the stop must fit in the margin.
    const force = setTimeout(() => {
      logger.error({ signal }, 'shutdown did not finish in time; exiting anyway');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS + SHUTDOWN_MARGIN_MS).unref();
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
