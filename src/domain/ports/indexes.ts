import type { CollectionName } from './documents.js';
import type { IndexSpec } from './store.port.js';

/** The indexes of every collection; both adapters create and enforce exactly these. */
export const INDEXES: Record<CollectionName, readonly IndexSpec[]> = {
  accounts: [
    { name: 'email_unique', keys: { email: 1 }, unique: true },
    { name: 'authSubject_unique', keys: { authSubject: 1 }, unique: true, sparse: true },
    { name: 'discordUserId_unique', keys: { discordUserId: 1 }, unique: true, sparse: true },
    { name: 'stripeCustomerId_unique', keys: { stripeCustomerId: 1 }, unique: true, sparse: true },
    { name: 'balance_desc', keys: { balance: -1, _id: -1 } },
    { name: 'updated_desc', keys: { updatedAt: -1, _id: -1 } },
  ],
  ledgerEntries: [
    { name: 'account_idempotency_unique', keys: { accountId: 1, idempotencyKey: 1 }, unique: true },
    { name: 'account_newest', keys: { accountId: 1, createdAt: -1, _id: -1 } },
    { name: 'kind_created', keys: { kind: 1, createdAt: 1 } },
  ],
  reservations: [
    { name: 'account_idempotency_unique', keys: { accountId: 1, idempotencyKey: 1 }, unique: true },
    { name: 'status_created', keys: { status: 1, createdAt: 1 } },
  ],
  processedEvents: [{ name: 'source_event_unique', keys: { source: 1, eventId: 1 }, unique: true }],
  purchases: [
    { name: 'checkoutSession_unique', keys: { checkoutSessionId: 1 }, unique: true },
    { name: 'account_newest', keys: { accountId: 1, createdAt: -1, _id: -1 } },
    { name: 'charge', keys: { chargeId: 1 }, sparse: true },
    { name: 'paymentIntent', keys: { paymentIntentId: 1 }, sparse: true },
  ],
  webhookFailures: [
    { name: 'event_unique', keys: { eventId: 1 }, unique: true },
    { name: 'open_newest', keys: { resolvedAt: 1, lastSeenAt: -1 } },
    // Support's diagnosis finds an account's failures by account or by Checkout session.
    { name: 'account_newest', keys: { accountId: 1, lastSeenAt: -1 }, sparse: true },
    { name: 'checkoutSession', keys: { checkoutSessionId: 1 }, sparse: true },
  ],
  auditLog: [{ name: 'target_newest', keys: { 'target.id': 1, createdAt: -1 } }],
  jobLocks: [],
  jobRuns: [
    { name: 'job_newest', keys: { job: 1, startedAt: -1 } },
    // Retention: each finished run carries its own expiry (JOB_RUNS_RETENTION_DAYS), so the index never changes.
    { name: 'expire_at_ttl', keys: { expireAt: 1 }, expireAfterSeconds: 0 },
  ],
  analyses: [
    { name: 'account_idempotency_unique', keys: { accountId: 1, idempotencyKey: 1 }, unique: true },
    { name: 'account_newest', keys: { accountId: 1, createdAt: -1, _id: -1 } },
  ],
  pendingConfirmations: [
    { name: 'requestKey_unique', keys: { requestKey: 1 }, unique: true },
    { name: 'status_expires', keys: { status: 1, expiresAt: 1 } },
  ],
  maintenance: [],
  restoreJournal: [],
  idempotencyKeys: [{ name: 'scope_key_unique', keys: { scope: 1, key: 1 }, unique: true }],
};

export const COLLECTION_NAMES = Object.keys(INDEXES) as CollectionName[];
