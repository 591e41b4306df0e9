import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectionName, Collections } from '../../../src/domain/ports/documents.js';
import type { CollectionPort } from '../../../src/domain/ports/store.port.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

/** The reference engine, counting the reads each collection serves (instrumentation, not a mock). */
class CountingStore extends MemoryStore {
  readonly reads = new Map<string, number>();

  override collection<N extends CollectionName>(name: N): CollectionPort<Collections[N]> {
    const inner = super.collection(name);
    const count = (): void => {
      this.reads.set(name, (this.reads.get(name) ?? 0) + 1);
    };
    return {
      ...inner,
      insertOne: (d) => inner.insertOne(d),
      insertMany: (d) => inner.insertMany(d),
      count: (f) => inner.count(f),
      updateOne: (f, u, o) => inner.updateOne(f, u, o),
      deleteOne: (f) => inner.deleteOne(f),
      deleteMany: (f) => inner.deleteMany(f),
      sumBy: (g, v, f) => inner.sumBy(g, v, f),
      sumByDay: (d, g, v, f) => inner.sumByDay(d, g, v, f),
      findOne: (f, o) => {
        count();
        return inner.findOne(f, o);
      },
      find: (f, o) => {
        count();
        return inner.find(f, o);
      },
    };
  }
}

let srv: TestServer;
let store: CountingStore;
beforeAll(async () => {
  store = new CountingStore();
  srv = await startTestServer({}, { store });
});
afterAll(async () => {
  await srv.close();
});

describe('GraphQL DataLoader', () => {
  it('reads the accounts of a page of 50 ledger entries in one query', async () => {
    const customer = await srv.signIn();
    for (let i = 0; i < 50; i += 1)
      await srv.services.ledger.grant({
        accountId: customer.accountId,
        amount: 1,
        reason: 'r',
        idempotencyKey: `g${i}`,
        actor: { type: 'system', id: 't' },
        source: { type: 'system' },
      });
    const support = await srv.signIn({ roles: ['support'] });
    store.reads.clear();
    const data = await srv.gqlData<{ accountLedger: { nodes: Array<{ account: { email: string } }> } }>(
      'query($id: ID!) { accountLedger(accountId: $id, first: 50) { nodes { amount account { email balance } } } }',
      { id: customer.accountId },
      support.token,
    );
    expect(data.accountLedger.nodes).toHaveLength(50);
    expect(new Set(data.accountLedger.nodes.map((n) => n.account.email))).toEqual(new Set([customer.email]));
    expect(store.reads.get('accounts')).toBe(1);
  });
});
