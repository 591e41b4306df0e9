import type { Actor, MaintenanceDoc } from '../ports/documents.js';
import type { Db } from '../ports/store.port.js';

/** The one maintenance switch document. */
export const MAINTENANCE_ID = 'mode';

/**
 * The `maintenance` collection: a single switch document. Reads take a `Db` so the gate can read it
 * inside the transaction it guards (as of that transaction's snapshot).
 */
export class MaintenanceRepository {
  constructor(private readonly o: { store: Db }) {}

  find(db: Db = this.o.store): Promise<MaintenanceDoc | null> {
    return db.collection('maintenance').findOne({ _id: MAINTENANCE_ID });
  }

  /** Conditional upsert: collides (DuplicateKeyError) when the switch is already on. */
  async turnOn(state: { reason: string; since: Date; by: Actor }): Promise<void> {
    await this.o.store
      .collection('maintenance')
      .updateOne(
        { _id: MAINTENANCE_ID, active: { $ne: true } },
        { $set: { active: true, ...state }, $unset: { endedAt: true } },
        { upsert: true },
      );
  }

  /** Turns the switch off (only the one that began at `since`, when given); null when it was not on. */
  turnOff(endedAt: Date, since?: Date): Promise<MaintenanceDoc | null> {
    const filter: Record<string, unknown> = { _id: MAINTENANCE_ID, active: true };
    if (since) filter.since = since;
    return this.o.store.collection('maintenance').updateOne(filter, { $set: { active: false, endedAt } });
  }
}
