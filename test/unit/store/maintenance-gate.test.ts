import { describe, expect, it } from 'vitest';
import { MaintenanceService } from '../../../src/domain/maintenance/maintenance.service.js';
import { systemClock } from '../../../src/domain/ports/runtime.port.js';
import { gateWrites } from '../../../src/store/maintenance-gate.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { supportActor } from '../../helpers/ledger-fixture.js';
import { recording } from '../../helpers/recording-store.js';

const doc = (id: string) => ({ _id: id, eventId: `evt_${id}`, type: 't', error: 'e', attempts: 1 }) as never;

describe(gateWrites.name, () => {
  it('reads the switch once per transaction, at its first write, however many writes follow', async () => {
    const memory = new MemoryStore();
    const { store, calls } = recording(memory);
    await gateWrites(store).transaction(async (tx) => {
      await tx.collection('webhookFailures').findOne({ eventId: 'evt_a' });
      await tx.collection('webhookFailures').insertOne(doc('a'));
      await tx.collection('webhookFailures').insertOne(doc('b'));
      await tx.collection('processedEvents').count({});
      await tx.collection('webhookFailures').updateOne({ _id: 'a' }, { $set: { attempts: 2 } });
    });
    expect(calls).toEqual([
      'webhookFailures.findOne',
      'maintenance.findOne',
      'webhookFailures.insertOne',
      'webhookFailures.insertOne',
      'processedEvents.count',
      'webhookFailures.updateOne',
    ]);
    expect(await memory.collection('webhookFailures').count({})).toBe(2);
  });

  it('in maintenance refuses every write of a transaction and keeps its reads working', async () => {
    const memory = new MemoryStore();
    await memory.collection('webhookFailures').insertOne(doc('a'));
    await new MaintenanceService({ store: memory, clock: systemClock }).enter({ reason: 'restore', by: supportActor });
    const gated = gateWrites(memory);
    const failures = gated.collection('webhookFailures');

    expect(await failures.count({})).toBe(1);
    await expect(failures.insertOne(doc('b'))).rejects.toMatchObject({ code: 'MAINTENANCE' });
    let read = -1;
    await expect(
      gated.transaction(async (tx) => {
        read = await tx.collection('webhookFailures').count({});
        await tx.collection('webhookFailures').insertOne(doc('c'));
      }),
    ).rejects.toMatchObject({ code: 'MAINTENANCE' });
    await expect(
      gated.transaction((tx) => tx.collection('webhookFailures').updateOne({ _id: 'a' }, { $set: { attempts: 9 } })),
    ).rejects.toMatchObject({ code: 'MAINTENANCE' });
    expect(read).toBe(1);
    expect(await memory.collection('webhookFailures').find({})).toEqual([expect.objectContaining({ attempts: 1 })]);
  });
});
