import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { InMemoryEngineError, type CliContext } from './cli-context.js';
import { ConfigError, loadConfig, takeDefaultEnv, withEnvFile, type Config, type LoadOptions } from '../config.js';
import { DomainError } from '../domain/errors.js';
import { systemClock } from '../domain/ports/runtime.port.js';
import { createLogger } from '../logger.js';
import { buildBackupCatalog, buildServices } from '../services.js';
import { openStore } from '../store/open-store.js';
import { registerCommands } from './commands/index.js';
import { EXIT_STATUS_HELP, exitFor } from './exit-codes.js';

/** Operator commands: `npm run cli -- <command>`. Each command parses args and calls one service. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('noi-credits')
    .description('Operator commands of the NOI analyzer credit service')
    .showHelpAfterError()
    .addHelpText('after', `\n${EXIT_STATUS_HELP}`)
    .exitOverride();
  registerCommands(program, ctx);
  return program;
}

function createContext(options: LoadOptions): CliContext {
  let config: Config | undefined;
  const load = (offline: boolean): Config => {
    try {
      return loadConfig(withEnvFile(), { ...options, offline });
    } catch (error) {
      // A configuration problem is the operator's to fix (exit status 1), not an internal error.
      if (error instanceof ConfigError) throw new DomainError('CONFIGURATION', error.message);
      throw error;
    }
  };
  const getConfig = (): Config => (config ??= load(false));
  const logLevel = (cfg: Config) => (cfg.LOG_LEVEL === 'info' ? 'warn' : cfg.LOG_LEVEL);
  const logger = () => createLogger(logLevel(getConfig()));
  return {
    config: getConfig,
    logger,
    backupFiles: () => {
      const cfg = load(true);
      return buildBackupCatalog(cfg, { clock: systemClock, logger: createLogger(logLevel(cfg)) });
    },
    open: async () => {
      const cfg = getConfig();
      const log = logger();
      const opened = await openStore({ ...cfg, EMBEDDED_MONGO: cfg.EMBEDDED_MONGO }, log);
      if (opened.choice === 'memory') {
        await opened.stop();
        throw new InMemoryEngineError();
      }
      const services = buildServices({ config: cfg, store: opened.store, clock: systemClock, logger: log });
      return { store: opened.store, services, close: opened.stop };
    },
    print: (data, text) => {
      if (process.stdout.isTTY && text !== undefined) process.stdout.write(`${text}\n`);
      else process.stdout.write(`${JSON.stringify(data)}\n`);
    },
  };
}

async function main(): Promise<void> {
  try {
    const { defaultEnv, rest } = takeDefaultEnv(process.argv.slice(2));
    const program = buildProgram(createContext({ defaultEnv }));
    await program.parseAsync(rest, { from: 'user' });
  } catch (error) {
    const { status, message } = exitFor(error);
    if (message) process.stderr.write(`${message}\n`);
    process.exit(status);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
