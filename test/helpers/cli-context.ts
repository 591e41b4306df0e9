import type { CliContext } from '../../src/cli/cli-context.js';
import type { Config } from '../../src/config.js';
import { systemClock, type Logger } from '../../src/domain/ports/runtime.port.js';
import { buildBackupCatalog } from '../../src/services.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The context a CLI command gets, built as src/cli/main.ts builds it but over a given configuration
 * (and, for commands that need one, a given store): what the command prints lands in `printed`.
 */
export function cliContext(options: { config: Config; logger?: Logger; open?: CliContext['open'] }): {
  ctx: CliContext;
  printed: Array<Record<string, unknown>>;
} {
  const logger = options.logger ?? silent;
  const printed: Array<Record<string, unknown>> = [];
  const ctx: CliContext = {
    config: () => options.config,
    logger: () => logger,
    backupFiles: () => buildBackupCatalog(options.config, { clock: systemClock, logger }),
    open: options.open ?? (() => Promise.reject(new Error('this command needs no database'))),
    print: (data) => void printed.push(data),
  };
  return { ctx, printed };
}
