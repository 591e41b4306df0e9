import type { Config } from '../config.js';
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
