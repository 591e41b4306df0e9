import type { Account } from '../accounts/account.types.js';
import type { CheckoutPaymentStatus, CheckoutSessionStatus } from '../payments/payment-provider.port.js';
import type { WebhookFailure } from '../payments/purchase.types.js';
import type { PurchaseStatus } from '../ports/documents.js';

/** Whether Stripe's own list could be consulted. */
export type StripeView = 'checked' | 'not_configured' | 'no_customer';

/** One Checkout session of the account, as our records and Stripe see it. */
export interface DiagnosedSession {
  checkoutSessionId: string;
  packageId: string | null;
  credits: number | null;
  createdAt: Date;
  /** Our `purchases` row; null when we never recorded the session. */
  purchaseStatus: PurchaseStatus | null;
  creditsGranted: number;
  /** Stripe's view; null when Stripe was not consulted or does not list the session. */
  stripeStatus: CheckoutSessionStatus | null;
  paymentStatus: CheckoutPaymentStatus | null;
  /** Paid at Stripe for this account and never granted: what "Grant missing credits" would grant. */
  missingGrant: boolean;
}

export interface PaymentDiagnosis {
  account: Account;
  stripe: StripeView;
  /** Newest first. */
  sessions: DiagnosedSession[];
  missing: DiagnosedSession[];
  /** Unresolved webhook failures of events about this account or its Checkout sessions. */
  openFailures: WebhookFailure[];
  /** The prompt behind the "Grant missing credits" button; null when nothing is missing. */
  grantPrompt: { id: string; credits: number; expiresAt: Date } | null;
}

export interface SessionGrant {
  checkoutSessionId: string;
  credits: number;
  /** `not_paid`: Stripe no longer shows it paid for this account; `not_found`: Stripe does not list it. */
  outcome: 'granted' | 'already_granted' | 'not_paid' | 'not_found';
  ledgerEntryId?: string;
}

export interface GrantMissingResult {
  account: Account;
  sessions: SessionGrant[];
  /** Credits granted by this press (0 when everything was already granted). */
  granted: number;
}
