import { z } from 'zod';
import { DuplicateKeyError, isDomainError, TransactionOutcomeUnknownError } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { isMaintenanceError } from '../maintenance/maintenance.service.js';
import type { Actor, ProcessedEventDoc } from '../ports/documents.js';
import type { Alert, AlertSink, Clock, Logger } from '../ports/runtime.port.js';
import type { Store, StoreTx } from '../ports/store.port.js';
import { parseInput } from '../validation.js';
import { paymentsUnconfigured, type PaymentEvent, type PaymentProvider } from './payment-provider.port.js';
import type { ClawbackService } from './clawback.service.js';
import { NOT_AT_ONCE, transactionWithRetry } from '../transaction.js';
import { mapPage, type Page, type PageArgs } from '../pagination.js';
import { ProcessedEventRepository, type FailureSubject } from './processed-event.repository.js';
import { PurchaseRepository } from './purchase.repository.js';
import type { Effect, PurchaseEffectsService } from './purchase-effects.service.js';
import { toWebhookFailure, type WebhookFailure } from './purchase.types.js';

export interface StripeEventsOptions {
  store: Store;
  clock: Clock;
  effects: PurchaseEffectsService;
  clawbacks: ClawbackService;
  alerts: AlertSink;
  logger: Logger;
  /** null when STRIPE_SECRET_KEY is not configured: replay then answers CONFIGURATION. */
  provider: PaymentProvider | null;
}

export type EventStatus = 'processed' | 'duplicate' | 'ignored' | 'failed';
export interface EventResult {
  eventId: string;
  type: string;
  status: EventStatus;
  outcome: string;
  ledgerEntryId?: string;
  /** Set when status is `failed`; safe to show support (no secrets). */
  error?: string;
}

const eventId = z
  .string()
  .trim()
  .regex(/^evt_[A-Za-z0-9_]{1,200}$/, 'must be a Stripe event id (evt_…)');

/**
 * Applies verified Stripe events. Each event is ONE transaction: its `processedEvents` record
 * (unique on source + event id) commits together with its effect, so a redelivery — sequential or
 * concurrent — finds the record and changes nothing, and a failure leaves no trace but the
 * `webhookFailures` row, the alert, and the 500 that makes Stripe try again.
 */
export class StripeEventsService {
  private readonly o: StripeEventsOptions;
  private readonly events: ProcessedEventRepository;
  private readonly purchases: PurchaseRepository;

  constructor(options: StripeEventsOptions) {
    this.o = options;
    this.events = new ProcessedEventRepository(options);
    this.purchases = new PurchaseRepository(options);
  }

  async handle(event: PaymentEvent): Promise<EventResult> {
    const base = { eventId: event.id, type: event.type };
    try {
      const r =
        (await this.settleAtOnce(event)) ?? (await transactionWithRetry(this.o.store, (tx) => this.process(tx, event)));
      for (const alert of r.alerts) this.notify(alert);
      return { ...base, status: r.status, outcome: r.outcome, ledgerEntryId: r.ledgerEntryId };
    } catch (error) {
      // Maintenance refused the write: nothing happened and nothing is recorded; the sender retries.
      if (isMaintenanceError(error)) throw error;
      return { ...base, status: 'failed', outcome: 'failed', error: await this.recordFailure(event, error) };
    }
  }

  /** Support's replay: fetch the event from Stripe and run it through the same handler. */
  async replay(rawEventId: string): Promise<EventResult> {
    const id = parseInput(eventId, rawEventId);
    if (!this.o.provider) throw paymentsUnconfigured();
    return this.handle(await this.o.provider.retrieveEvent(id));
  }

  /** Most recently seen first, cursor-paged; open ones only unless `includeResolved`. */
  async listFailures(filter: { includeResolved?: boolean } = {}, args: PageArgs = {}): Promise<Page<WebhookFailure>> {
    return mapPage(await this.events.failures(filter, args), toWebhookFailure);
  }

  /** The event's key is its id: a redelivery finds the record committed with the first effect. */
  private async process(tx: StoreTx, event: PaymentEvent): Promise<Outcome> {
    const { result } = await idempotent<ProcessedEventDoc, Outcome>({
      key: event.id,
      inTransaction: true,
      find: () => this.events.find(event.id, tx),
      sameRequest: () => true,
      replay: (seen) => ({ status: 'duplicate', outcome: seen.outcome, ledgerEntryId: seen.ledgerEntryId, alerts: [] }),
      claim: () => this.applyAndRecord(tx, event, false),
    });
    return result;
  }

  /**
   * The common case of a Checkout session event (new event; a new, or stored and not yet granted,
   * session; an account owing nothing) without the look-ups of `process`: the effect with the grant
   * at once (`PurchaseEffectsService.settleSession`), then the record, whose unique index claims the
   * event. Anything else commits nothing here and `process` answers it, the event's record first:
   * a redelivery is a duplicate whatever its effect would say now, and every domain error (NOT_FOUND,
   * CONFLICT, MAINTENANCE…) is the one `process` finds. Other failures (a store fault, a commit
   * whose outcome is unknown) are the event's failure, as on `process`. Null when not such an event.
   */
  private async settleAtOnce(event: PaymentEvent): Promise<Outcome | null> {
    if (event.kind !== 'checkout' || !SETTLES.has(event.type)) return null;
    try {
      return await this.o.store.transaction((tx) => this.applyAndRecord(tx, event, true));
    } catch (error) {
      if (error === NOT_AT_ONCE || (isDomainError(error) && !(error instanceof TransactionOutcomeUnknownError)))
        return null;
      throw error;
    }
  }

  /** The effect and the record of the event, in one transaction. */
  private async applyAndRecord(tx: StoreTx, event: PaymentEvent, atOnce: boolean): Promise<Outcome> {
    const effect = await this.apply(tx, event, atOnce);
    const record: ProcessedEventDoc = {
      _id: this.o.store.newId(),
      source: 'stripe',
      eventId: event.id,
      type: event.type,
      receivedAt: this.o.clock.now(),
      outcome: effect.outcome,
    };
    if (effect.ledgerEntryId) record.ledgerEntryId = effect.ledgerEntryId;
    await this.events.record(record, tx);
    return { ...effect, status: effect.ignored ? 'ignored' : 'processed' };
  }

  private apply(tx: StoreTx, event: PaymentEvent, atOnce: boolean): Promise<Effect> {
    const actor: Actor = { type: 'stripe', id: event.id, name: event.type };
    const { effects, clawbacks } = this.o;
    switch (event.kind) {
      case 'checkout':
        if (event.type === 'checkout.session.async_payment_failed')
          return effects.closeSession(tx, event.session, 'failed');
        if (event.type === 'checkout.session.expired') return effects.closeSession(tx, event.session, 'expired');
        return effects.settleSession(tx, event.session, actor, atOnce);
      case 'refund':
        return clawbacks.refund(tx, event.charge, actor);
      case 'dispute':
        return event.type === 'charge.dispute.created'
          ? clawbacks.disputeOpened(tx, event.dispute)
          : clawbacks.disputeClosed(tx, event.dispute, actor);
      case 'unhandled':
        return Promise.resolve({ outcome: 'ignored: unhandled event type', ignored: true, alerts: [] });
    }
  }

  /** Upserts the failure row (attempts, last error) and alerts; never throws. Returns the error text. */
  private async recordFailure(event: PaymentEvent, error: unknown): Promise<string> {
    const message = describe(error);
    const now = this.o.clock.now();
    let attempts = 1;
    try {
      const subject = await this.subjectOf(event);
      const row = await this.events.recordFailure({
        eventId: event.id,
        type: event.type,
        error: message,
        at: now,
        subject,
      });
      attempts = row?.attempts ?? 1;
    } catch (recordError) {
      this.o.logger.error({ err: recordError, eventId: event.id }, 'could not record the webhook failure');
    }
    this.o.logger.error({ err: error, eventId: event.id, type: event.type, attempts }, 'stripe event failed');
    this.notify({
      severity: 'critical',
      title: `Stripe webhook failed: ${event.type}`,
      body: `Event ${event.id} (${event.type}) failed on attempt ${attempts}: ${message}. ${settled(error)}`,
      action:
        'Find the cause (logs, the account or purchase named above). Stripe retries for up to 3 days; ' +
        `after a fix, replay it at once with replayStripeEvent(eventId: "${event.id}").`,
      key: 'stripe-webhook-failure',
    });
    return message;
  }

  /**
   * The Checkout session and account the event is about, so support's diagnosis finds the failure
   * without fetching events from Stripe: from the event itself, else from the purchase it names.
   * A lookup that fails leaves the row without them; it never hides the failure itself.
   */
  private async subjectOf(event: PaymentEvent): Promise<FailureSubject> {
    try {
      switch (event.kind) {
        case 'checkout': {
          const purchase = event.session.accountId ? null : await this.purchases.bySession(event.session.id);
          return { checkoutSessionId: event.session.id, accountId: event.session.accountId ?? purchase?.accountId };
        }
        case 'refund': {
          const p = await this.purchases.byPayment(event.charge.paymentIntentId, event.charge.id);
          return { checkoutSessionId: p?.checkoutSessionId, accountId: p?.accountId ?? event.charge.accountId };
        }
        case 'dispute': {
          const p = await this.purchases.byPayment(event.dispute.paymentIntentId, event.dispute.chargeId);
          return { checkoutSessionId: p?.checkoutSessionId, accountId: p?.accountId };
        }
        case 'unhandled':
          return {};
      }
    } catch (error) {
      this.o.logger.warn({ err: error, eventId: event.id }, 'could not tell whose the failed event is');
      return {};
    }
  }

  private notify(alert: Alert): void {
    this.o.alerts.send(alert).catch((err: unknown) => this.o.logger.error({ err, alert }, 'alert not delivered'));
  }
}

type Outcome = Effect & { status: EventStatus };

/** The Checkout events that settle a session (grant it once paid). */
const SETTLES: ReadonlySet<string> = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
]);

function describe(error: unknown): string {
  const text = isDomainError(error)
    ? `${error instanceof DuplicateKeyError ? 'DUPLICATE_KEY' : error.code}: ${error.message} ${JSON.stringify(error.details)}`
    : error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error);
  return text.slice(0, 1000);
}

/** What the alert may promise: a commit whose acknowledgement was lost may have been applied. */
const settled = (error: unknown): string =>
  error instanceof TransactionOutcomeUnknownError
    ? "Its outcome is unknown: the change may have been committed. Stripe's redelivery settles it safely (an event takes effect at most once); check the account before changing anything by hand."
    : 'Nothing was changed.';
