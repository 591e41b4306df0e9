import { newestFirstPage } from '../page.repository.js';
import type { Page, PageArgs } from '../pagination.js';
import type { Actor, AuditLogDoc } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Db, Store } from '../ports/store.port.js';

/** One support or admin action, as the audit log keeps it. */
export interface AuditRecord {
  actor: Actor;
  action: string;
  target: { type: string; id: string };
  reason?: string;
  /** The ledger entry the action wrote: its amount and the balance before and after are recorded. */
  entry?: { id: string; amount: number; balanceAfter: number } | null;
  /** The ledger entry the action is about, when `entry` is not given. */
  ledgerEntryId?: string;
  details?: Record<string, unknown>;
}

/**
 * The `auditLog` collection and its one writer: every manual change (support, admin, restore)
 * lands here with its actor, written inside the caller's transaction when it has one.
 */
export class AuditRepository {
  constructor(private readonly o: { store: Store; clock: Clock }) {}

  async record(r: AuditRecord, db: Db = this.o.store): Promise<void> {
    const doc: AuditLogDoc = {
      _id: this.o.store.newId(),
      actor: r.actor,
      action: r.action,
      target: r.target,
      ...(r.entry
        ? {
            amount: r.entry.amount,
            balanceBefore: r.entry.balanceAfter - r.entry.amount,
            balanceAfter: r.entry.balanceAfter,
            ledgerEntryId: r.entry.id,
          }
        : r.ledgerEntryId
          ? { ledgerEntryId: r.ledgerEntryId }
          : {}),
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      details: r.details ?? {},
      createdAt: this.o.clock.now(),
    };
    await db.collection('auditLog').insertOne(doc);
  }

  /** Every audited action whose target is the given entity, newest first (keyset pagination). */
  pageForTarget(target: { type: string; id: string }, args: PageArgs): Promise<Page<AuditLogDoc>> {
    const filter = { 'target.type': target.type, 'target.id': target.id };
    return newestFirstPage(this.o.store.collection('auditLog'), filter, args);
  }
}
