import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError, ERROR_CODES } from '../../../src/domain/errors.js';
import { createHttpApp } from '../../../src/http/app.js';
import { HTTP_STATUS } from '../../../src/http/error-status.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { RecordingLogger } from '../../helpers/recording-logger.js';

describe('a domain error raised by a REST route', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
  });

  /** A route that fails the way a feature's route would: the domain refused the request. */
  const start = async (error: Error, logger = new RecordingLogger()) => {
    const app = createHttpApp({
      logger,
      store: new MemoryStore(),
      mounts: [
        (a) =>
          a.post('/fails', async () => {
            await Promise.resolve();
            throw error;
          }),
      ],
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fails`, logger };
  };

  it('answers the status its code maps to, with the code and message', async () => {
    const { url, logger } = await start(new DomainError('NOT_FOUND', 'account not found'));
    const res = await fetch(url, { method: 'POST', headers: { 'x-request-id': 'req-1' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'account not found', code: 'NOT_FOUND', requestId: 'req-1' });
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('maps every code, and hides the message of an internal error while logging it', async () => {
    for (const code of ERROR_CODES) expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
    const { url, logger } = await start(new DomainError('INTERNAL', 'secret detail'));
    const res = await fetch(url, { method: 'POST' });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: 'internal error', code: 'INTERNAL' });
    expect(logger.entries.some((e) => e.level === 'error' && e.msg === 'HTTP request failed')).toBe(true);
  });

  it('answers 409 for a conflict instead of a generic 500', async () => {
    const { url } = await start(new DomainError('CONFLICT', 'the account changed concurrently; try again'));
    const res = await fetch(url, { method: 'POST' });
    expect(res.status).toBe(409);
  });
});
