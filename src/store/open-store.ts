import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../domain/ports/runtime.port.js';
import type { Store } from '../domain/ports/store.port.js';
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
  const caches = [resolve('node_modules/.cache/mongodb-memory-server'), join(homedir(), '.cache/mongodb-binaries')];
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
  if (binary) {
    const { MongoMemoryReplSet } = await import('mongodb-memory-server-core');
    const dbPath = resolve(config.DATA_DIR, 'mongo');
    mkdirSync(dbPath, { recursive: true });
    const replSet = await MongoMemoryReplSet.create({
      binary: { systemBinary: binary },
      replSet: { count: 1, storageEngine: 'wiredTiger' },
      instanceOpts: [{ dbPath, storageEngine: 'wiredTiger' }],
    });
    const store = await MongoStore.connect({
      uri: replSet.getUri(),
      dbName: config.MONGODB_DB_NAME ?? 'noi',
      ...connectionSettings(config),
    });
    logger.info(
      { database: store.description, dbPath, binary },
      `database: embedded MongoDB replica set, data in ${dbPath}`,
    );
    return {
      store,
      choice: 'embedded-mongodb',
      stop: async () => {
        await store.close();
        await replSet.stop({ doCleanup: false });
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
