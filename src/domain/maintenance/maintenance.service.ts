import { DomainError, DuplicateKeyError } from '../errors.js';
import type { Actor } from '../ports/documents.js';
import type { Clock, Logger } from '../ports/runtime.port.js';
import type { Store, StoreTx } from '../ports/store.port.js';
import { MaintenanceRepository } from './maintenance.repository.js';

export interface MaintenanceState {
  reason: string;
  since: Date;
  by: Actor;
}

/** What every refused write answers: a person can act on it, and a retrying client knows to wait. */
export function maintenanceError(state: Pick<MaintenanceState, 'reason' | 'since'>): DomainError {
  return new DomainError(
    'MAINTENANCE',
    `the service is in maintenance (${state.reason}, since ${state.since.toISOString()}): ` +
      'nothing was changed; try again in a few minutes',
    { reason: state.reason, since: state.since.toISOString() },
  );
}

/** Reads the switch through `db` (inside a transaction: as of that transaction's snapshot). */
export async function readMaintenance(db: StoreTx): Promise<MaintenanceState | null> {
  const doc = await new MaintenanceRepository({ store: db }).find();
  return doc?.active ? { reason: doc.reason, since: doc.since, by: doc.by } : null;
}

export const isMaintenanceError = (e: unknown): e is DomainError =>
  e instanceof DomainError && e.code === 'MAINTENANCE';

/**
 * The persisted maintenance mode. While it is on, every write through the gated store (see
 * src/store/maintenance-gate.ts) is refused on every replica, because each write reads this document inside
 * its own transaction. Turning it on does not stop a transaction that read it as off a moment
 * earlier: whoever turns it on must then drain those (BackupSource.drainTransactions).
 */
export class MaintenanceService {
  private readonly switch: MaintenanceRepository;

  constructor(private readonly o: { store: Store; clock: Clock; logger?: Logger }) {
    this.switch = new MaintenanceRepository(o);
  }

  current(): Promise<MaintenanceState | null> {
    return readMaintenance(this.o.store);
  }

  async assertOff(): Promise<void> {
    const state = await this.current();
    if (state) throw maintenanceError(state);
  }

  /**
   * Turns maintenance on and returns the moment it took effect. One conditional upsert: when it is
   * already on (another restore, or one that crashed) this fails instead of taking it over.
   */
  async enter(input: { reason: string; by: Actor }): Promise<Date> {
    const since = this.o.clock.now();
    try {
      await this.switch.turnOn({ reason: input.reason, since, by: input.by });
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
      const state = await this.current();
      throw new DomainError(
        'CONFLICT',
        `already in maintenance${state ? ` (${state.reason}, since ${state.since.toISOString()})` : ''}`,
      );
    }
    this.o.logger?.warn({ reason: input.reason, by: input.by }, 'maintenance mode on: writes are refused');
    return since;
  }

  /** Turns maintenance off (only the one that began at `since`, when given). */
  async leave(since?: Date): Promise<void> {
    const doc = await this.switch.turnOff(this.o.clock.now(), since);
    if (doc) this.o.logger?.warn({ reason: doc.reason }, 'maintenance mode off: writes accepted again');
  }
}
