import { AccountRepository } from '../accounts/account.repository.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { DomainError, isDomainError } from '../errors.js';
import { IdempotencyKeyRepository } from '../idempotency-key.repository.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import type { AccountDoc, Actor, PurchaseDoc } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Store, StoreTx } from '../ports/store.port.js';
import {
  paymentsUnconfigured,
  type CheckoutSessionInfo,
  type PaymentProvider,
} from '../payments/payment-provider.port.js';
import { ProcessedEventRepository } from '../payments/processed-event.repository.js';
import type { PurchaseEffectsService } from '../payments/purchase-effects.service.js';
import { PurchaseRepository } from '../payments/purchase.repository.js';
import { toWebhookFailure } from '../payments/purchase.types.js';
import { transactionWithRetry } from '../transaction.js';
import type { EventResult, StripeEventsService } from '../payments/stripe-events.service.js';
import { parseInput, storedIdempotencyKey } from '../validation.js';
import { ConfirmationPrompts } from './confirmation-prompts.js';
import { DEFAULT_CONFIRMATION_TTL_MS, type SupportService } from './support.service.js';
import type {
  DiagnosedSession,
  GrantMissingResult,
  PaymentDiagnosis,
  SessionGrant,
  StripeView,
} from './payment-support.types.js';
import type { AccountTarget } from './support.types.js';

export interface PaymentSupportOptions {
  store: Store;
  clock: Clock;
  support: SupportService;
  /** null when STRIPE_SECRET_KEY is not configured: diagnosis then shows our records only. */
  provider: PaymentProvider | null;
  effects: PurchaseEffectsService;
  stripeEvents: StripeEventsService;
  confirmationTtlMs?: number;
}

const MAX_STRIPE_PAGES = 10;
const FAILURES_SHOWN = 20;

/**
 * The old "credits not added after payment" runbook, done by the system and deterministic: which of
 * the account's paid Checkout sessions have no grant, and a confirmed grant of exactly those through
 * the webhook's own idempotent path (one grant per session, whoever gets there first).
 */
export class PaymentSupportService {
  private readonly o: PaymentSupportOptions;
  private readonly prompts: ConfirmationPrompts;
  private readonly accounts: AccountRepository;
  private readonly purchases: PurchaseRepository;
  private readonly events: ProcessedEventRepository;
  private readonly ledger: LedgerRepository;
  private readonly audit: AuditRepository;
  private readonly keys: IdempotencyKeyRepository;

  constructor(options: PaymentSupportOptions) {
    this.o = options;
    this.accounts = new AccountRepository(options);
    this.purchases = new PurchaseRepository(options);
    this.events = new ProcessedEventRepository(options);
    this.ledger = new LedgerRepository(options);
    this.audit = new AuditRepository(options);
    this.keys = new IdempotencyKeyRepository(options);
    this.prompts = new ConfirmationPrompts({
      store: options.store,
      clock: options.clock,
      ttlMs: options.confirmationTtlMs ?? DEFAULT_CONFIRMATION_TTL_MS,
    });
  }

  async diagnose(input: { target: AccountTarget; actor: Actor; idempotencyKey: string }): Promise<PaymentDiagnosis> {
    const key = parseInput(storedIdempotencyKey, input.idempotencyKey);
    const account = await this.o.support.resolveAccount(input.target);
    const purchases = await this.purchases.recent(account.id, 100);
    const { stripe, sessions } = await this.stripeSessions(account.stripeCustomerId);
    const known = merge(account.id, purchases, sessions).map((r) => r.checkoutSessionId);
    const failures = await this.events.openFailuresOf(account.id, known, FAILURES_SHOWN);
    // A failed event may name a session neither list has (made under another customer): ask Stripe for it.
    sessions.push(
      ...(await this.retrieveSessions(
        failures.map((f) => f.checkoutSessionId),
        new Set(known),
      )),
    );
    const rows = merge(account.id, purchases, sessions);
    const missing = rows.filter((r) => r.missingGrant);
    const openFailures = failures.map(toWebhookFailure);
    const prompt =
      missing.length === 0
        ? null
        : await this.prompts.open({
            action: 'payments.grant_missing',
            requestKey: key,
            requester: input.actor,
            accountId: account.id,
            amount: missing.reduce((n, r) => n + (r.credits ?? 0), 0),
            reason: 'credits of paid Checkout sessions that were never granted',
            because: [],
            checkoutSessionIds: missing.map((r) => r.checkoutSessionId),
          });
    return {
      account,
      stripe,
      sessions: rows,
      missing,
      openFailures,
      grantPrompt: prompt && { id: prompt._id, credits: prompt.amount, expiresAt: prompt.expiresAt },
    };
  }

  /**
   * Grants the sessions the prompt listed, each re-read from Stripe and settled exactly like the
   * webhook would; pressing again (or the late webhook) finds them granted and changes nothing.
   */
  async grantMissing(input: { confirmationId: string; actor: Actor }): Promise<GrantMissingResult> {
    const p = await this.prompts.claim(input.confirmationId, input.actor, 'payments.grant_missing');
    const account = await this.account(p.accountId);
    const wanted = new Set(p.checkoutSessionIds ?? []);
    if (!this.o.provider) throw paymentsUnconfigured();
    const found = new Map((await this.retrieveSessions([...wanted])).map((s) => [s.id, s]));
    const sessions: SessionGrant[] = [];
    for (const id of wanted) sessions.push(await this.grantOne(id, found.get(id), account._id, input.actor));
    await this.prompts.markConfirmed(p, input.actor);
    return {
      account: await this.o.support.resolveAccount({ accountId: account._id }),
      sessions,
      granted: sessions.reduce((n, s) => n + (s.outcome === 'granted' ? s.credits : 0), 0),
    };
  }

  /** Support's replay of one Stripe event, audited; the same request replayed answers the first result. */
  async replayWebhook(input: { eventId: string; actor: Actor; idempotencyKey: string }): Promise<EventResult> {
    const key = parseInput(storedIdempotencyKey, input.idempotencyKey);
    const request = { scope: 'webhooks.replay', key, fingerprint: JSON.stringify([input.eventId]) };
    const { result } = await this.keys.once(request, async () => {
      const r = await this.o.stripeEvents.replay(input.eventId);
      await this.audit.record({
        actor: input.actor,
        action: 'webhooks.replay',
        target: { type: 'stripe_event', id: r.eventId },
        ledgerEntryId: r.ledgerEntryId,
        details: { requestKey: key, result: r },
      });
      return { ...r };
    });
    return result as unknown as EventResult;
  }

  private async grantOne(
    id: string,
    session: CheckoutSessionInfo | undefined,
    accountId: string,
    actor: Actor,
  ): Promise<SessionGrant> {
    if (!session) return { checkoutSessionId: id, credits: 0, outcome: 'not_found' };
    const credits = session.credits ?? 0;
    if (!isPaidFor(session, accountId)) return { checkoutSessionId: id, credits, outcome: 'not_paid' };
    const effect = await transactionWithRetry(this.o.store, async (tx) => {
      const e = await this.o.effects.settleSession(tx, session, actor);
      if (e.outcome === 'granted' && e.ledgerEntryId) await this.recordGrant(tx, actor, accountId, e.ledgerEntryId, id);
      return e;
    });
    return {
      checkoutSessionId: id,
      credits,
      outcome: effect.outcome === 'granted' ? 'granted' : 'already_granted',
      ledgerEntryId: effect.ledgerEntryId,
    };
  }

  private async recordGrant(tx: StoreTx, actor: Actor, accountId: string, entryId: string, sessionId: string) {
    const entry = await this.ledger.entryById(entryId, tx);
    await this.audit.record(
      {
        actor,
        action: 'payments.grant_missing',
        target: { type: 'account', id: accountId },
        entry: entry && { id: entry._id, amount: entry.amount, balanceAfter: entry.balanceAfter },
        ledgerEntryId: entryId,
        reason: `grant of paid Checkout session ${sessionId} that was never granted`,
        details: { checkoutSessionId: sessionId },
      },
      tx,
    );
  }

  private async stripeSessions(customerId: string | undefined): Promise<{
    stripe: StripeView;
    sessions: CheckoutSessionInfo[];
  }> {
    if (!this.o.provider) return { stripe: 'not_configured', sessions: [] };
    if (!customerId) return { stripe: 'no_customer', sessions: [] };
    const sessions: CheckoutSessionInfo[] = [];
    let after: string | null = null;
    for (let page = 0; page < MAX_STRIPE_PAGES; page += 1) {
      const p = await this.o.provider.listCustomerCheckoutSessions(customerId, after);
      sessions.push(...p.sessions);
      after = p.nextCursor;
      if (!after) break;
    }
    return { stripe: 'checked', sessions };
  }

  /**
   * These sessions as Stripe has them now, one request each (`skip`: already known); a session
   * Stripe does not know is left out. Empty when Stripe is not configured.
   */
  private async retrieveSessions(
    ids: Array<string | undefined>,
    skip: Set<string> = new Set(),
  ): Promise<CheckoutSessionInfo[]> {
    const provider = this.o.provider;
    if (!provider) return [];
    const wanted = new Set(ids.filter((id): id is string => id !== undefined && !skip.has(id)));
    const found: CheckoutSessionInfo[] = [];
    for (const id of wanted) {
      const session = await provider.retrieveCheckoutSession(id).catch((error: unknown) => {
        if (isDomainError(error) && error.code === 'NOT_FOUND') return null;
        throw error;
      });
      if (session) found.push(session);
    }
    return found;
  }

  private async account(id: string): Promise<AccountDoc> {
    const doc = await this.accounts.byId(id);
    if (!doc) throw new DomainError('NOT_FOUND', 'account not found', { id });
    return doc;
  }
}

/** Paid (or free) and completed at Stripe, for this account: what the webhook would grant. */
const isPaidFor = (s: CheckoutSessionInfo, accountId: string): boolean =>
  s.status === 'complete' && s.paymentStatus !== 'unpaid' && s.accountId === accountId && (s.credits ?? 0) > 0;

function merge(accountId: string, purchases: PurchaseDoc[], sessions: CheckoutSessionInfo[]): DiagnosedSession[] {
  const ours = new Map(purchases.map((p) => [p.checkoutSessionId, p]));
  const rows = new Map<string, DiagnosedSession>();
  for (const s of sessions) {
    const p = ours.get(s.id);
    rows.set(s.id, {
      checkoutSessionId: s.id,
      packageId: s.packageId ?? p?.packageId ?? null,
      credits: s.credits ?? p?.credits ?? null,
      createdAt: s.createdAt,
      purchaseStatus: p?.status ?? null,
      creditsGranted: p?.creditsGranted ?? 0,
      stripeStatus: s.status,
      paymentStatus: s.paymentStatus,
      missingGrant: isPaidFor(s, accountId) && !p?.grantEntryId,
    });
  }
  for (const p of purchases)
    if (!rows.has(p.checkoutSessionId))
      rows.set(p.checkoutSessionId, {
        checkoutSessionId: p.checkoutSessionId,
        packageId: p.packageId,
        credits: p.credits,
        createdAt: p.createdAt,
        purchaseStatus: p.status,
        creditsGranted: p.creditsGranted,
        stripeStatus: null,
        paymentStatus: null,
        missingGrant: false,
      });
  return [...rows.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}
