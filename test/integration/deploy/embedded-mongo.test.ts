import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startEmbeddedMongo } from '../../../src/store/embedded-mongo.js';
import { findMongodBinary, openStore } from '../../../src/store/open-store.js';
import { RecordingLogger } from '../../helpers/recording-logger.js';

/**
 * The embedded replica set (npm start with a mongod binary) reopens its data on the next start.
 * Needs a mongod: MONGOMS_SYSTEM_BINARY, or one mongodb-memory-server downloaded earlier.
 */
const binary = findMongodBinary({ MONGOMS_SYSTEM_BINARY: process.env.MONGOMS_SYSTEM_BINARY || undefined });
if (!binary)
  process.stderr.write(
    '\n!!!!! SKIPPED embedded MongoDB restart test: no mongod binary (set MONGOMS_SYSTEM_BINARY) !!!!!\n\n',
  );

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('embedded MongoDB replica set', () => {
  it.skipIf(!binary)('reopens the same data on a second start in the same DATA_DIR', { timeout: 120_000 }, async () => {
    const config = loadConfig({
      NODE_ENV: 'development',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'noi-embedded-')),
      EMBEDDED_MONGO_PORT: String(await freePort()),
      MONGOMS_SYSTEM_BINARY: binary ?? undefined,
    });
    const first = await openStore(config, new RecordingLogger());
    expect(first.choice).toBe('embedded-mongodb');
    const id = first.store.newId();
    await first.store.transaction(async (tx) => {
      await tx.collection('auditLog').insertOne({ _id: id, action: 'restart-probe' } as never);
    });
    await first.stop();

    const second = await openStore(config, new RecordingLogger());
    try {
      expect(second.choice).toBe('embedded-mongodb');
      expect(await second.store.collection('auditLog').findOne({ _id: id })).toMatchObject({ action: 'restart-probe' });
    } finally {
      await second.stop();
    }
  });

  it('refuses a taken EMBEDDED_MONGO_PORT with a message naming it', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      await expect(
        startEmbeddedMongo({ binary: '/nonexistent/mongod', dataDir: mkdtempSync(join(tmpdir(), 'noi-port-')), port }),
      ).rejects.toThrow(new RegExp(`EMBEDDED_MONGO_PORT: port ${port} is already in use`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
