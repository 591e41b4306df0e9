import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../src/http/app.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { RecordingLogger } from '../../helpers/recording-logger.js';

describe('GET /readyz', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
  });

  const start = async (store: MemoryStore, logger = new RecordingLogger()) => {
    const app = createHttpApp({ logger, store });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    return { url, logger };
  };

  it('answers only its status while the database answers', async () => {
    const { url } = await start(new MemoryStore());
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });

  it('answers 503 with only its status when the database is gone, and logs the details', async () => {
    const store = new MemoryStore();
    const { url, logger } = await start(store);
    await store.close();
    const res = await fetch(url);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable' });
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        msg: 'readiness check failed',
        obj: expect.objectContaining({ database: store.description }),
      }),
    );
  });
});
