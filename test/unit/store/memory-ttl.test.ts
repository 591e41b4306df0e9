import { describe, expect, it } from 'vitest';
import type { JobRunDoc } from '../../../src/domain/ports/documents.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const MINUTE = 60_000;

const run = (id: string, expireAt?: unknown): JobRunDoc =>
  ({
    _id: id,
    job: 'backup',
    holder: 'h',
    startedAt: new Date('2024-05-01T00:00:00Z'),
    outcome: 'succeeded',
    ...(expireAt === undefined ? {} : { expireAt }),
  }) as JobRunDoc;

/** The memory engine's TTL monitor, which the jobRuns retention (`expire_at_ttl`) relies on. */
describe('MemoryStore TTL indexes', () => {
  it('deletes documents whose expiry date has passed at the next pass, as MongoDB’s TTL monitor does', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ now: () => clock.now(), ttlEveryMs: MINUTE });
    const runs = store.collection('jobRuns');
    await runs.insertMany([
      run('due', new Date(clock.now().getTime() + MINUTE)),
      run('later', new Date(clock.now().getTime() + 10 * MINUTE)),
      run('running'),
      run('not-a-date', '2024-01-01'),
    ]);

    clock.advance(2 * MINUTE);
    expect(await runs.count()).toBe(4); // reads never delete: only the monitor's pass does
    await runs.insertOne(run('trigger'));
    expect((await runs.find({})).map((r) => r._id).sort()).toEqual(['later', 'not-a-date', 'running', 'trigger']);
  });

  it('waits one interval between passes', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ now: () => clock.now(), ttlEveryMs: MINUTE });
    const runs = store.collection('jobRuns');
    clock.advance(MINUTE);
    await runs.insertOne(run('soon', new Date(clock.now().getTime() + 1000)));
    clock.advance(2000);
    await runs.insertOne(run('other'));
    expect(await runs.count({ _id: 'soon' })).toBe(1);
    clock.advance(MINUTE);
    await runs.insertOne(run('another'));
    expect(await runs.count({ _id: 'soon' })).toBe(0);
  });
});
