import type { Config } from '../config.js';
import { DomainError } from '../domain/errors.js';
import type { BackupCatalog } from '../domain/backups/backup-catalog.js';
import type { Logger } from '../domain/ports/runtime.port.js';
import type { Store } from '../domain/ports/store.port.js';
import type { Services } from '../services.js';

/** What every CLI command gets: configuration on demand and a way to open the services. */
export interface CliContext {
  config(): Config;
  logger(): Logger;
  /** Opens the configured database (never the memory engine: its data lives inside a server process). */
  open(): Promise<{ store: Store; services: Services; close(): Promise<void> }>;
  /** The backups of BACKUP_DIR, read from their files alone: needs no database, even in production. */
  backupFiles(): BackupCatalog;
  /** One line of output: JSON when stdout is not a TTY, readable text otherwise. */
  print(data: Record<string, unknown>, text?: string): void;
}

/** What `open()` throws with the in-memory engine: its data lives inside a server process, out of a command's reach. */
export class InMemoryEngineError extends DomainError {
  constructor() {
    super(
      'CONFIGURATION',
      'no database configured: with the in-memory engine the data lives inside the running server process, ' +
        'so this command cannot reach it. Set MONGODB_URI (or MONGOMS_SYSTEM_BINARY), or use the GraphQL API ' +
        '/ Discord commands of the running server instead.',
    );
    this.name = 'InMemoryEngineError';
  }
}
