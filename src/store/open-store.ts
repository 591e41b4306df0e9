import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT, type Config } from '../config.js';
import type { Logger } from '../domain/ports/runtime.port.js';
import type { Store } from '../domain/ports/store.port.js';
import { startEmbeddedMongo } from './embedded-mongo.js';
import { MemoryStore } from './memory/memory.store.js';
import { MongoStore, redactUri } from './mongo/mongo.store.js';

export type StoreChoice = 'mongodb-uri' | 'embedded-mongodb' | 'memory';
export interface OpenedStore {
  store: Store;
  choice: StoreChoice;
  /** Stops what `openStore` started besides the connection (the embedded mongod). */
  stop(): Promise<void>;
}

export const MEMORY_BANNER = [
  '*****************************************************************************',
  '*  DEVELOPMENT MODE: in-memory reference engine. DATA IS NOT PERSISTED.     *',
  '*  Every account, credit and purchase is lost when this process stops.      *',
  '*  Set MONGODB_URI (a replica set) or MONGOMS_SYSTEM_BINARY to persist.     *',
  '*****************************************************************************',
].join('\n');

/**
 * A mongod binary that mongodb-memory-server can use without downloading anything: the one named by
 * MONGOMS_SYSTEM_BINARY, or one a previous download left in its caches. Never triggers a download,
 * so an offline machine falls through to the next choice at once.
 */
export function findMongodBinary(config: Pick<Config, 'MONGOMS_SYSTEM_BINARY'>): string | null {
  if (config.MONGOMS_SYSTEM_BINARY)
    return existsSync(config.MONGOMS_SYSTEM_BINARY) ? config.MONGOMS_SYSTEM_BINARY : null;
  const caches = [
    resolve(PROJECT_ROOT, 'node_modules/.cache/mongodb-memory-server'),
    join(homedir(), '.cache/mongodb-binaries'),
  ];
  for (const dir of caches) {
    if (!existsSync(dir)) continue;
    const found = readdirSync(dir).find((f) => f.startsWith('mongod-'));
    if (found) return join(dir, found);
  }
  return null;
}

/** The connection settings of config that every MongoDB connection of the service uses. */
const connectionSettings = (config: Config) => ({
  appName: config.MONGODB_APP_NAME,
  timeoutMs: config.MONGODB_TIMEOUT_MS,
  writeTimeoutMs: config.MONGODB_WRITE_TIMEOUT_MS,
});

export async function openStore(config: Config, logger: Logger): Promise<OpenedStore> {
  if (config.MONGODB_URI) {
    const store = await MongoStore.connect({
      uri: config.MONGODB_URI,
      dbName: config.MONGODB_DB_NAME,
      ...connectionSettings(config),
    });
    logger.info({ database: store.description }, `database: MongoDB (MONGODB_URI ${redactUri(config.MONGODB_URI)})`);
    return { store, choice: 'mongodb-uri', stop: () => store.close() };
  }
  const binary = config.EMBEDDED_MONGO === 'auto' ? findMongodBinary(config) : null;
  if (binary && !(await hasEmbeddedSupport())) {
    logger.warn({ binary }, 'mongod binary found but mongodb-memory-server-core is not installed (npm ci --omit=dev)');
  } else if (binary) {
    const embedded = await startEmbeddedMongo({ binary, dataDir: config.DATA_DIR, port: config.EMBEDDED_MONGO_PORT });
    const store = await MongoStore.connect({
      uri: embedded.uri,
      dbName: config.MONGODB_DB_NAME ?? 'noi',
      ...connectionSettings(config),
    });
    logger.info(
      { database: store.description, dbPath: embedded.dbPath, port: config.EMBEDDED_MONGO_PORT, binary },
      `database: embedded MongoDB replica set on port ${config.EMBEDDED_MONGO_PORT}, data in ${embedded.dbPath}`,
    );
    return {
      store,
      choice: 'embedded-mongodb',
      stop: async () => {
        await store.close();
        await embedded.stop();
      },
    };
  }
  const store = new MemoryStore();
  logger.warn(
    { database: store.description },
    `database: in-memory engine (no MONGODB_URI, no mongod binary)\n${MEMORY_BANNER}`,
  );
  return { store, choice: 'memory', stop: () => store.close() };
}

/** A production install (`npm ci --omit=dev`) has no mongodb-memory-server: never embedded there. */
async function hasEmbeddedSupport(): Promise<boolean> {
  try {
    await import('mongodb-memory-server-core');
    return true;
  } catch {
    return false;
  }
}
