import { z } from 'zod';
import { DomainError, DuplicateKeyError, notFound } from '../errors.js';
import { mapPage, newestFirstPage, type Page, type PageArgs } from '../pagination.js';
import type { AccountDoc, PurchaseDoc } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import { entityId, idempotencyKey, parseInput } from '../validation.js';
import { paymentsUnconfigured, type PaymentProvider } from './payment-provider.port.js';
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
  packageId: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(40),
  idempotencyKey,
});
export type CheckoutInput = z.input<typeof checkoutInput>;

/** Buying credits: Checkout sessions and the purchases they create. */
export class PaymentsService {
  private readonly o: PaymentsServiceOptions;

  constructor(options: PaymentsServiceOptions) {
    this.o = options;
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
    const account = await this.o.store.collection('accounts').findOne({ _id: i.accountId });
    if (!account) throw notFound('account', { id: i.accountId });
    if (account.status === 'frozen')
      throw new DomainError('ACCOUNT_FROZEN', 'account is frozen; contact support', { accountId: account._id });

    const prior = await this.purchaseByKey(account._id, i.idempotencyKey);
    if (prior) return replayed(prior, pkg.id, i.idempotencyKey);

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
      `checkout-${account._id}-${i.idempotencyKey}`,
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
      idempotencyKey: i.idempotencyKey,
      checkoutUrl: session.url,
      ...(session.expiresAt ? { expiresAt: session.expiresAt } : {}),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.o.store.collection('purchases').insertOne(doc);
    } catch (error) {
      // A concurrent repeat of this request got the same session from Stripe and stored it first.
      if (!(error instanceof DuplicateKeyError)) throw error;
      const winner = await this.o.store.collection('purchases').findOne({ checkoutSessionId: session.id });
      if (!winner) throw error;
      return replayed(winner, pkg.id, i.idempotencyKey);
    }
    return toCheckoutSession(doc);
  }

  /** The account's purchases, newest first. */
  async listPurchases(accountId: string, args: PageArgs): Promise<Page<Purchase>> {
    const id = parseInput(entityId, accountId);
    return mapPage(await newestFirstPage(this.o.store.collection('purchases'), { accountId: id }, args), toPurchase);
  }

  async getPurchase(purchaseId: string): Promise<Purchase> {
    const doc = await this.o.store.collection('purchases').findOne({ _id: parseInput(entityId, purchaseId) });
    if (!doc) throw notFound('purchase', { id: purchaseId });
    return toPurchase(doc);
  }

  private async purchaseByKey(accountId: string, key: string): Promise<PurchaseDoc | null> {
    return this.o.store.collection('purchases').findOne({ accountId, idempotencyKey: key });
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
    const accounts = this.o.store.collection('accounts');
    const linked = await accounts.updateOne(
      { _id: account._id, stripeCustomerId: { $exists: false } },
      { $set: { stripeCustomerId: customer.id, updatedAt: this.o.clock.now() } },
    );
    if (linked) return customer.id;
    const current = await accounts.findOne({ _id: account._id });
    return current?.stripeCustomerId ?? customer.id;
  }
}

function replayed(prior: PurchaseDoc, packageId: string, key: string): CheckoutSession {
  if (prior.packageId !== packageId)
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', `idempotency key "${key}" was already used for another package`, {
      idempotencyKey: key,
    });
  return toCheckoutSession(prior);
}

const toCheckoutSession = (d: PurchaseDoc): CheckoutSession => ({
  id: d.checkoutSessionId,
  url: d.checkoutUrl ?? '',
  expiresAt: d.expiresAt ?? null,
  purchaseId: d._id,
});
