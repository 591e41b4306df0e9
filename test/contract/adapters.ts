/**
 * The Store adapters the contract suites run against: the memory engine always; MongoDB whenever
 * MONGODB_URI (a replica set) or MONGOMS_SYSTEM_BINARY (a mongod for mongodb-memory-server) is set.
 * When the mongo leg cannot run, its cases are still registered but skipped (each suite wraps its
 * leg in `describe.skipIf(adapter.skip)`), so vitest's own summary says "N skipped" next to
 * "N passed", and one loud SKIPPED line says why. It never fakes a pass.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import type { Store } from '../../src/domain/ports/store.port.js';
import type { FaultInjector } from '../../src/store/faults.js';
import { MemoryStore } from '../../src/store/memory/memory.store.js';
import { MongoStore } from '../../src/store/mongo/mongo.store.js';

export type TestStore = Store & { faults: FaultInjector };

export interface StoreAdapter {
  name: 'memory' | 'mongo';
  /** Why this leg cannot run here (pass to `describe.skipIf`), or false when it runs. */
  skip: string | false;
  /** A fresh, empty store (its own database on MongoDB). */
  create(): Promise<TestStore>;
  /** Stops what the adapter started (the embedded replica set). */
  shutdown(): Promise<void>;
}

const memory: StoreAdapter = {
  name: 'memory',
  skip: false,
  create: async () => new MemoryStore(),
  shutdown: async () => undefined,
};

function mongoAdapter(): StoreAdapter | string {
  const env = loadConfig(process.env);
  if (!env.MONGODB_URI && !env.MONGOMS_SYSTEM_BINARY)
    return 'neither MONGODB_URI (a replica set) nor MONGOMS_SYSTEM_BINARY (a mongod binary) is set';
  let uri: Promise<{ uri: string; stop(): Promise<void> }> | undefined;
  const start = async (): Promise<{ uri: string; stop(): Promise<void> }> => {
    if (env.MONGODB_URI) return { uri: env.MONGODB_URI, stop: async () => undefined };
    const { MongoMemoryReplSet } = await import('mongodb-memory-server-core');
    const rs = await MongoMemoryReplSet.create({
      binary: { systemBinary: env.MONGOMS_SYSTEM_BINARY },
      replSet: { count: 1, storageEngine: 'wiredTiger' },
    });
    return { uri: rs.getUri(), stop: () => rs.stop().then(() => undefined) };
  };
  const opened: MongoStore[] = [];
  return {
    name: 'mongo',
    skip: false,
    create: async () => {
      uri ??= start();
      const store = await MongoStore.connect({
        uri: (await uri).uri,
        dbName: `noi_contract_${randomBytes(6).toString('hex')}`,
      });
      opened.push(store);
      return store;
    },
    shutdown: async () => {
      for (const s of opened.splice(0)) {
        await s.conn.dropDatabase().catch(() => undefined);
        await s.close();
      }
      if (uri) await (await uri).stop();
    },
  };
}

/** A mongo leg that cannot run: registered so vitest counts its cases as skipped, never created. */
const unavailable = (reason: string): StoreAdapter => ({
  name: 'mongo',
  skip: reason,
  create: () =>
    Promise.reject(new Error(`mongo leg unavailable (${reason}): wrap it in describe.skipIf(adapter.skip)`)),
  shutdown: async () => undefined,
});

/** Both legs, always; prints the SKIPPED line when the mongo leg cannot run. */
export function storeAdapters(suite: string): StoreAdapter[] {
  const mongo = mongoAdapter();
  if (typeof mongo === 'string') {
    process.stderr.write(`\n!!!!! SKIPPED mongo ${suite}: ${mongo} !!!!!\n\n`);
    return [memory, unavailable(mongo)];
  }
  return [memory, mongo];
}
