import { describe, expect, it } from 'vitest';
import {
  assertTransactionsSupported,
  mongoConnectOptions,
  redactUri,
  TransactionsUnsupportedError,
} from '../../../src/store/mongo/mongo.store.js';

describe('MongoStore start-up checks', () => {
  it('refuses a standalone mongod with a message that says what to do', () => {
    const error = (() => {
      try {
        assertTransactionsSupported({} as { setName?: string }, 'mongodb://db:27017');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TransactionsUnsupportedError);
    expect((error as Error).message).toMatch(/standalone.*replica set.*--replSet/s);
  });

  it('accepts a replica set member and a mongos', () => {
    expect(() => assertTransactionsSupported({ setName: 'rs0' }, 'x')).not.toThrow();
    expect(() => assertTransactionsSupported({ msg: 'isdbgrid' }, 'x')).not.toThrow();
  });

  it('never logs credentials or the query string', () => {
    expect(redactUri('mongodb://admin:s3cret@db1,db2/noi?replicaSet=rs0&tlsCertificateKeyFilePassword=k3y')).toBe(
      'mongodb://***@db1,db2/noi',
    );
  });

  it('names the service, bounds each stage and waits at most writeTimeoutMs for a majority', () => {
    const o = mongoConnectOptions({ uri: 'mongodb://db/noi?replicaSet=rs0', timeoutMs: 7000, writeTimeoutMs: 9000 });
    expect(o).toMatchObject({
      appName: 'noi-credits',
      serverSelectionTimeoutMS: 7000,
      connectTimeoutMS: 7000,
      waitQueueTimeoutMS: 7000,
      writeConcern: { w: 'majority', wtimeoutMS: 9000 },
      ignoreUndefined: true,
    });
    expect(o).not.toHaveProperty('timeoutMS');
  });

  it('lets an option written in the URI win', () => {
    const o = mongoConnectOptions({ uri: 'mongodb://db/?replicaSet=rs0&appName=billing&serverSelectionTimeoutMS=500' });
    expect(o).not.toHaveProperty('appName');
    expect(o).not.toHaveProperty('serverSelectionTimeoutMS');
    expect(o.connectTimeoutMS).toBe(10_000);
  });

  it('refuses timeoutMS in the URI: the driver ignores it since 7.8 and it was unsafe before', () => {
    expect(() => mongoConnectOptions({ uri: 'mongodb://db/?replicaSet=rs0&timeoutMS=5000' })).toThrow(
      /timeoutMS.*MONGODB_TIMEOUT_MS/,
    );
  });
});
