import { DomainError, DuplicateKeyError } from '../errors.js';
import type { RestoreJournalDoc, RestoreJournalState } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';

const JOURNAL_ID = 'restore';
export const OPEN_STATES: readonly RestoreJournalState[] = ['draining', 'staging', 'swapping'];

export type NewJournal = Omit<RestoreJournalDoc, '_id' | 'state' | 'startedAt' | 'updatedAt'>;

/**
 * The restore journal: one document, written (majority) before each step of a restore, so the next
 * start knows exactly how far an interrupted restore got. Only one restore can be open at a time.
 */
export class RestoreJournalRepository {
  constructor(private readonly o: { store: Store; clock: Clock }) {}

  private get col() {
    return this.o.store.collection('restoreJournal');
  }

  /** The restore that began and did not finish (completed or rolled back), if any. */
  open(): Promise<RestoreJournalDoc | null> {
    return this.col.findOne({ _id: JOURNAL_ID, state: { $in: [...OPEN_STATES] } });
  }

  last(): Promise<RestoreJournalDoc | null> {
    return this.col.findOne({ _id: JOURNAL_ID });
  }

  /** Opens a journal (`staging`: loading comes first); fails when another restore is open (running, or interrupted and not yet recovered). */
  async begin(entry: NewJournal): Promise<RestoreJournalDoc> {
    const now = this.o.clock.now();
    const doc: RestoreJournalDoc = { _id: JOURNAL_ID, state: 'staging', startedAt: now, updatedAt: now, ...entry };
    const { _id, ...fields } = doc;
    try {
      await this.col.updateOne(
        { _id, state: { $nin: [...OPEN_STATES] } },
        { $set: fields, $unset: { error: true, token: true, maintenanceSince: true } },
        { upsert: true },
      );
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
      const open = await this.open();
      throw new DomainError(
        'CONFLICT',
        `the restore of ${open?.backup ?? 'another backup'} (state ${open?.state ?? 'unknown'}) has not finished; ` +
          'it is finished or rolled back by the next start of the service or the next backup run',
      );
    }
    return doc;
  }

  async update(
    fields: Partial<Pick<RestoreJournalDoc, 'state' | 'token' | 'maintenanceSince' | 'error'>>,
  ): Promise<void> {
    await this.col.updateOne({ _id: JOURNAL_ID }, { $set: { ...fields, updatedAt: this.o.clock.now() } });
  }

  async markSwapped(collection: string): Promise<void> {
    const doc = await this.col.findOne({ _id: JOURNAL_ID });
    if (!doc) return;
    const replace = doc.replace.map((c) => (c.name === collection ? { ...c, swapped: true } : c));
    await this.col.updateOne({ _id: JOURNAL_ID }, { $set: { replace, updatedAt: this.o.clock.now() } });
  }
}
