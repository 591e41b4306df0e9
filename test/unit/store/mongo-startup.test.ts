import { describe, expect, it } from 'vitest';
import {
  assertTransactionsSupported,
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
});
