import { DomainError, isDomainError, notFound } from '../errors.js';
import type { Actor } from '../ports/documents.js';
import type { Alert, AlertSink, Clock, Logger } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import { entityId, parseInput } from '../validation.js';
import {
  paymentsUnconfigured,
  type CheckoutSessionInfo,
  type PaymentProvider,
  type SessionPage,
} from './payment-provider.port.js';
import { AccountRepository } from '../accounts/account.repository.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { transactionWithRetry } from '../transaction.js';
import type { PurchaseEffectsService } from './purchase-effects.service.js';

export interface ReconciliationOptions {
  store: Store;
  clock: Clock;
  effects: PurchaseEffectsService;
  alerts: AlertSink;
  logger: Logger;
  provider: PaymentProvider | null;
}

export interface HealedPurchase {
  checkoutSessionId: string;
  accountId: string;
  credits: number;
  ledgerEntryId: string;
}

export interface ReconciliationReport {
  from: Date;
  to: Date;
  /** Completed sessions seen in the window. */
  scanned: number;
  /** Paid sessions whose credits were missing and are now granted. */
  healed: HealedPurchase[];
  alreadyGranted: number;
  /** Unpaid (async payment pending) or not created by this service. */
  skipped: number;
  failures: Array<{ checkoutSessionId: string; error: string }>;
}

const MAX_WINDOW_MS = 90 * 24 * 3600 * 1000;
const actor: Actor = { type: 'system', id: 'reconciliation', name: 'Stripe reconciliation' };

/**
 * Heals missed webhooks: pages through Stripe's completed Checkout sessions and grants every paid
 * one the ledger lacks, through the same idempotent path as the webhook (one grant per session),
 * so running it again — or the late webhook arriving afterwards — grants nothing twice.
 */
export class ReconciliationService {
  private readonly o: ReconciliationOptions;
  private readonly accounts: AccountRepository;
  private readonly audit: AuditRepository;
  private readonly ledger: LedgerRepository;

  constructor(options: ReconciliationOptions) {
    this.o = options;
    this.accounts = new AccountRepository(options);
    this.audit = new AuditRepository(options);
    this.ledger = new LedgerRepository(options);
  }

  async run(window: { since: Date; until?: Date }): Promise<ReconciliationReport> {
    const provider = this.requireProvider();
    const to = window.until ?? this.o.clock.now();
    const from = window.since;
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to)
      throw new DomainError('BAD_USER_INPUT', 'since: must be a time before the end of the window');
    if (to.getTime() - from.getTime() > MAX_WINDOW_MS)
      throw new DomainError('BAD_USER_INPUT', 'since: the window may span at most 90 days');
    return this.reconcile(from, to, (after) => provider.listCompletedCheckoutSessions({ from, to }, after));
  }

  /**
   * Support's per-account variant: every session of the account's Stripe customer. With an `actor`
   * (a person asked for it) each grant is made in that actor's name and audited in its transaction,
   * and the run itself is audited even when it granted nothing.
   */
  async runForAccount(accountId: string, actor?: Actor): Promise<ReconciliationReport> {
    const provider = this.requireProvider();
    const id = parseInput(entityId, accountId);
    const account = await this.accounts.byId(id);
    if (!account) throw notFound('account', { id });
    const to = this.o.clock.now();
    const customerId = account.stripeCustomerId;
    const report = customerId
      ? await this.reconcile(
          account.createdAt,
          to,
          (after) => provider.listCustomerCheckoutSessions(customerId, after),
          actor,
        )
      : { from: account.createdAt, to, scanned: 0, healed: [], alreadyGranted: 0, skipped: 0, failures: [] };
    if (actor)
      await this.audit.record({
        actor,
        action: 'payments.reconcile_account',
        target: { type: 'account', id },
        details: {
          scanned: report.scanned,
          healed: report.healed.map((h) => h.checkoutSessionId),
          failures: report.failures.length,
        },
      });
    return report;
  }

  private async reconcile(
    from: Date,
    to: Date,
    page: (after: string | null) => Promise<SessionPage>,
    caller?: Actor,
  ): Promise<ReconciliationReport> {
    const report: ReconciliationReport = {
      from,
      to,
      scanned: 0,
      healed: [],
      alreadyGranted: 0,
      skipped: 0,
      failures: [],
    };
    let after: string | null = null;
    do {
      const p = await page(after);
      for (const session of p.sessions) await this.settle(session, report, caller);
      after = p.nextCursor;
    } while (after);
    await this.alert(report);
    this.o.logger.info(
      { healed: report.healed.length, scanned: report.scanned, failures: report.failures.length },
      'stripe reconciliation finished',
    );
    return report;
  }

  private async settle(session: CheckoutSessionInfo, report: ReconciliationReport, caller?: Actor): Promise<void> {
    if (session.status !== 'complete') return;
    report.scanned += 1;
    if (session.paymentStatus === 'unpaid' || !session.accountId) {
      report.skipped += 1;
      return;
    }
    try {
      const effect = await transactionWithRetry(this.o.store, async (tx) => {
        const e = await this.o.effects.settleSession(tx, session, caller ?? actor);
        if (caller && e.outcome === 'granted' && e.ledgerEntryId) {
          const entry = await this.ledger.entryById(e.ledgerEntryId, tx);
          await this.audit.record(
            {
              actor: caller,
              action: 'payments.reconcile_grant',
              target: { type: 'account', id: session.accountId ?? '' },
              entry: entry && { id: entry._id, amount: entry.amount, balanceAfter: entry.balanceAfter },
              ledgerEntryId: e.ledgerEntryId,
              reason: `grant of paid Checkout session ${session.id} found by reconciliation`,
              details: { checkoutSessionId: session.id },
            },
            tx,
          );
        }
        return e;
      });
      if (effect.outcome === 'granted' && effect.ledgerEntryId)
        report.healed.push({
          checkoutSessionId: session.id,
          accountId: session.accountId,
          credits: session.credits ?? 0,
          ledgerEntryId: effect.ledgerEntryId,
        });
      else report.alreadyGranted += 1;
    } catch (error) {
      const message = isDomainError(error) ? `${error.code}: ${error.message}` : String(error);
      report.failures.push({ checkoutSessionId: session.id, error: message.slice(0, 500) });
    }
  }

  private async alert(r: ReconciliationReport): Promise<void> {
    const alerts: Alert[] = [];
    if (r.healed.length > 0)
      alerts.push({
        severity: 'warning',
        title: `Reconciliation granted ${r.healed.length} missed purchase(s)`,
        body: r.healed
          .slice(0, 20)
          .map((h) => `${h.checkoutSessionId} → account ${h.accountId}: +${h.credits}`)
          .join('\n'),
        action:
          'Their webhooks never arrived: check the endpoint in Stripe (Developers → Webhooks → delivery attempts) ' +
          'and the server logs around those times.',
        key: 'stripe-reconciliation',
      });
    if (r.failures.length > 0)
      alerts.push({
        severity: 'critical',
        title: `Reconciliation could not settle ${r.failures.length} paid session(s)`,
        body: r.failures
          .slice(0, 20)
          .map((f) => `${f.checkoutSessionId}: ${f.error}`)
          .join('\n'),
        action: 'Fix the cause (often a missing account) and run `npm run cli -- reconcile` again.',
        key: 'stripe-reconciliation-failure',
      });
    for (const a of alerts)
      await this.o.alerts.send(a).catch((err: unknown) => this.o.logger.error({ err }, 'alert not delivered'));
  }

  private requireProvider(): PaymentProvider {
    if (!this.o.provider) throw paymentsUnconfigured();
    return this.o.provider;
  }
}
