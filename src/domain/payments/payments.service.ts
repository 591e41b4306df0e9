import { z } from 'zod';
import { AccountRepository } from '../accounts/account.repository.js';
import { DomainError, notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { mapPage, type Page, type PageArgs } from '../pagination.js';
import type { AccountDoc, PurchaseDoc } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import { entityId, idempotencyKey, parseInput, textField } from '../validation.js';
import { paymentsUnconfigured, type PaymentProvider } from './payment-provider.port.js';
import { PurchaseRepository } from './purchase.repository.js';
import { toPurchase, type CheckoutSession, type Purchase } from './purchase.types.js';

/** A credit package as configured (CREDIT_PACKAGES); `amount` in minor currency units. */
export interface CreditPackageSpec {
  id: string;
  name: string;
  credits: number;
  amount: number;
  currency: string;
  stripePriceId?: string;
}

export interface PaymentsServiceOptions {
  store: Store;
  clock: Clock;
  /** null when STRIPE_SECRET_KEY is not configured. */
  provider: PaymentProvider | null;
  packages: readonly CreditPackageSpec[];
  successUrl: string;
  cancelUrl: string;
}

const checkoutInput = z.object({
  accountId: entityId,
  packageId: textField('is required', {
    trim: true,
    min: 1,
    max: 40,
    tooShort: 'must not be empty',
    tooLong: 'must be at most 40 characters',
  }),
  idempotencyKey,
});
export type CheckoutInput = z.input<typeof checkoutInput>;

/** Buying credits: Checkout sessions and the purchases they create. */
export class PaymentsService {
  private readonly o: PaymentsServiceOptions;
  private readonly purchases: PurchaseRepository;
  private readonly accounts: AccountRepository;

  constructor(options: PaymentsServiceOptions) {
    this.o = options;
    this.purchases = new PurchaseRepository(options);
    this.accounts = new AccountRepository(options);
  }

  /**
   * Opens a Stripe Checkout session for a package. The caller's idempotency key is scoped to the
   * account and forwarded to Stripe, so a repeat (even a concurrent one) yields the same session
   * and one purchase row; the same key for another package is IDEMPOTENCY_KEY_REUSED.
   */
  async createCheckoutSession(input: CheckoutInput): Promise<CheckoutSession> {
    const i = parseInput(checkoutInput, input);
    const provider = this.o.provider;
    if (!provider) throw paymentsUnconfigured();
    const pkg = this.o.packages.find((p) => p.id === i.packageId);
    if (!pkg)
      throw new DomainError('BAD_USER_INPUT', `packageId: unknown package "${i.packageId}"`, { field: 'packageId' });
    const account = await this.accounts.byId(i.accountId);
    if (!account) throw notFound('account', { id: i.accountId });
    if (account.status === 'frozen')
      throw new DomainError('ACCOUNT_FROZEN', 'account is frozen; contact support', { accountId: account._id });
    // Stripe gets the same key, so a concurrent repeat gets the same session; the loser of the
    // insert race (unique checkoutSessionId) finds the winner's purchase under the key and replays it.
    const { result } = await idempotent({
      key: i.idempotencyKey,
      find: () => this.purchases.byKey(account._id, i.idempotencyKey),
      sameRequest: (prior) => prior.packageId === pkg.id,
      replay: toCheckoutSession,
      reused: () =>
        new DomainError(
          'IDEMPOTENCY_KEY_REUSED',
          `idempotency key "${i.idempotencyKey}" was already used for another package`,
          { idempotencyKey: i.idempotencyKey },
        ),
      claim: () => this.open(provider, account, pkg, i.idempotencyKey),
    });
    return result;
  }

  private async open(
    provider: PaymentProvider,
    account: AccountDoc,
    pkg: CreditPackageSpec,
    key: string,
  ): Promise<CheckoutSession> {
    const customerId = await this.customerFor(provider, account);
    const session = await provider.createCheckoutSession(
      {
        accountId: account._id,
        customerId,
        packageId: pkg.id,
        packageName: pkg.name,
        credits: pkg.credits,
        amount: pkg.amount,
        currency: pkg.currency,
        stripePriceId: pkg.stripePriceId,
        successUrl: this.o.successUrl,
        cancelUrl: this.o.cancelUrl,
      },
      `checkout-${account._id}-${key}`,
    );
    if (!session.url) throw new DomainError('UPSTREAM_FAILED', 'Stripe returned a Checkout session without a URL');
    const now = this.o.clock.now();
    const doc: PurchaseDoc = {
      _id: this.o.store.newId(),
      checkoutSessionId: session.id,
      accountId: account._id,
      packageId: pkg.id,
      credits: pkg.credits,
      amountTotal: session.amountTotal ?? pkg.amount,
      currency: session.currency ?? pkg.currency,
      status: 'open',
      creditsGranted: 0,
      creditsClawedBack: 0,
      clawbackShortfall: 0,
      amountRefunded: 0,
      idempotencyKey: key,
      checkoutUrl: session.url,
      ...(session.expiresAt ? { expiresAt: session.expiresAt } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await this.purchases.insert(doc);
    return toCheckoutSession(doc);
  }

  /** The account's purchases, newest first. */
  async listPurchases(accountId: string, args: PageArgs): Promise<Page<Purchase>> {
    const id = parseInput(entityId, accountId);
    return mapPage(await this.purchases.page(id, args), toPurchase);
  }

  async getPurchase(purchaseId: string): Promise<Purchase> {
    const doc = await this.purchases.byId(parseInput(entityId, purchaseId));
    if (!doc) throw notFound('purchase', { id: purchaseId });
    return toPurchase(doc);
  }

  /**
   * One Stripe customer per account. The provider call is idempotent per account, so two first
   * purchases racing each other get the same customer; the conditional update keeps the first link.
   */
  private async customerFor(provider: PaymentProvider, account: AccountDoc): Promise<string> {
    if (account.stripeCustomerId) return account.stripeCustomerId;
    const customer = await provider.createCustomer(
      { accountId: account._id, email: account.email },
      `customer-${account._id}`,
    );
    const linked = await this.accounts.linkStripeCustomer(account._id, customer.id, this.o.clock.now());
    if (linked) return customer.id;
    const current = await this.accounts.byId(account._id);
    return current?.stripeCustomerId ?? customer.id;
  }
}

const toCheckoutSession = (d: PurchaseDoc): CheckoutSession => ({
  id: d.checkoutSessionId,
  url: d.checkoutUrl ?? '',
  expiresAt: d.expiresAt ?? null,
  purchaseId: d._id,
});
