import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';

export interface EmbeddedMongo {
  uri: string;
  dbPath: string;
  stop(): Promise<void>;
}

export interface EmbeddedMongoOptions {
  binary: string;
  /** Absolute; the data lives in `<dataDir>/mongo`. */
  dataDir: string;
  /** Fixed: the replica-set config saved in the data names this host:port, so it must not change. */
  port: number;
}

const REPLICA_SET = 'rs0';

/** Refuses a taken port with a message naming the variable (mongod's own error is obscure). */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `EMBEDDED_MONGO_PORT: port ${port} is already in use (another mongod or service?); stop it or choose another port`
            : `EMBEDDED_MONGO_PORT: cannot listen on ${port}: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/**
 * A one-node replica set on a mongod binary, with its data in DATA_DIR, that reopens the same data
 * on every start: always the same port, and the replica set is initiated only when the data has
 * never been initiated (a later start finds its saved config, which names this same host:port, and
 * elects itself). mongodb-memory-server is a development dependency, loaded only here.
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const dbPath = join(options.dataDir, 'mongo');
  mkdirSync(dbPath, { recursive: true });
  await assertPortFree(options.port);
  const server = await MongoMemoryServer.create({
    binary: { systemBinary: options.binary },
    instance: {
      port: options.port,
      portGeneration: false,
      ip: '127.0.0.1',
      dbPath,
      storageEngine: 'wiredTiger',
      replSet: REPLICA_SET,
    },
  });
  const host = `127.0.0.1:${options.port}`;
  const direct = new MongoClient(`mongodb://${host}/?directConnection=true`);
  try {
    const admin = direct.db('admin');
    try {
      await admin.command({ replSetGetStatus: 1 });
    } catch (error) {
      // 94 NotYetInitialized: a brand-new data directory.
      if ((error as { code?: number }).code !== 94) throw error;
      await admin.command({ replSetInitiate: { _id: REPLICA_SET, members: [{ _id: 0, host }] } });
    }
  } finally {
    await direct.close();
  }
  return {
    uri: `mongodb://${host}/?replicaSet=${REPLICA_SET}`,
    dbPath,
    stop: async () => {
      await server.stop({ doCleanup: false, force: false });
    },
  };
}
