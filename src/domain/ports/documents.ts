/**
 * Persistence shapes of every collection (docs/ARCHITECTURE.md, "Data"). Plain data only: ids are strings,
 * times are Dates, money amounts are integers (credits, or minor currency units).
 */
export const ACTOR_TYPES = ['user', 'support', 'admin', 'service', 'system', 'stripe', 'discord'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];
export interface Actor {
  type: ActorType;
  id: string;
  name?: string;
}

export type AccountStatus = 'active' | 'frozen';
export interface AccountDoc {
  _id: string;
  email: string;
  authSubject?: string;
  discordUserId?: string;
  stripeCustomerId?: string;
  balance: number;
  reserved: number;
  /** Credits a refund or lost dispute could not take back yet; collected from the next release or grant. */
  clawbackOwed?: number;
  status: AccountStatus;
  createdAt: Date;
  updatedAt: Date;
}

export const LEDGER_KINDS = [
  'purchase',
  'spend',
  'reservation',
  'release',
  'refund_clawback',
  'dispute_clawback',
  'adjustment',
  'bonus',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];
export type SourceType = 'stripe' | 'support' | 'analysis' | 'system';

export interface LedgerEntryDoc {
  _id: string;
  accountId: string;
  /** Signed change of the balance; 0 for reservation/release entries (they move `reserved`). */
  amount: number;
  balanceAfter: number;
  reservedAfter: number;
  kind: LedgerKind;
  source: { type: SourceType; ref?: string };
  actor: Actor;
  reason: string;
  idempotencyKey: string;
  /** Canonical description of the request, compared when the idempotency key is replayed. */
  fingerprint: string;
  reservationId?: string;
  createdAt: Date;
}

export type ReservationStatus = 'held' | 'captured' | 'released';
export interface ReservationDoc {
  _id: string;
  accountId: string;
  amount: number;
  status: ReservationStatus;
  reason: string;
  source: { type: SourceType; ref?: string };
  actor: Actor;
  idempotencyKey: string;
  ledgerEntryId: string;
  settledEntryId?: string;
  createdAt: Date;
  settledAt?: Date;
}

export interface ProcessedEventDoc {
  _id: string;
  source: 'stripe';
  eventId: string;
  type: string;
  receivedAt: Date;
  outcome: string;
  ledgerEntryId?: string;
}

export type PurchaseStatus = 'open' | 'paid' | 'failed' | 'expired' | 'refunded' | 'partially_refunded' | 'disputed';
export interface PurchaseDoc {
  _id: string;
  checkoutSessionId: string;
  accountId: string;
  packageId: string;
  credits: number;
  amountTotal: number;
  currency: string;
  status: PurchaseStatus;
  creditsGranted: number;
  creditsClawedBack: number;
  clawbackShortfall: number;
  amountRefunded: number;
  paymentIntentId?: string;
  chargeId?: string;
  disputeId?: string;
  grantEntryId?: string;
  /** The buyer's key for createCheckoutSession: a repeat returns this purchase's session. */
  idempotencyKey?: string;
  checkoutUrl?: string;
  expiresAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookFailureDoc {
  _id: string;
  eventId: string;
  type: string;
  /** What the event is about, when known: support finds an account's failures without asking Stripe. */
  checkoutSessionId?: string;
  accountId?: string;
  error: string;
  attempts: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt?: Date;
}

export interface AuditLogDoc {
  _id: string;
  actor: Actor;
  action: string;
  target: { type: string; id: string };
  balanceBefore?: number;
  balanceAfter?: number;
  amount?: number;
  reason?: string;
  ledgerEntryId?: string;
  details?: Record<string, unknown>;
  createdAt: Date;
}

export interface JobLockDoc {
  _id: string;
  holder: string;
  acquiredAt: Date;
  expiresAt: Date;
  /** The schedule slot of the last run that took this lease: a slot runs once across instances. */
  lastSlot?: Date;
}

export interface JobRunDoc {
  _id: string;
  job: string;
  /** The `jobLocks` lease the run held (absent on runs recorded before runs named it). */
  lease?: string;
  holder: string;
  startedAt: Date;
  finishedAt?: Date;
  durationMs?: number;
  outcome: 'running' | 'succeeded' | 'failed' | 'skipped';
  error?: string;
  summary?: Record<string, unknown>;
  /** When the TTL index deletes this run (JOB_RUNS_RETENTION_DAYS after it finished); unset while running. */
  expireAt?: Date;
}

/**
 * The persisted maintenance switch (one document, `_id: 'mode'`). Every replica's writes read it
 * inside their own transaction, so a write either sees it on and is refused, or began before it was
 * set and is waited for (drained) before a restore swaps anything.
 */
export interface MaintenanceDoc {
  _id: string;
  active: boolean;
  reason: string;
  since: Date;
  by: Actor;
  endedAt?: Date;
}

export type RestoreJournalState = 'draining' | 'staging' | 'swapping' | 'completed' | 'rolled_back';
/**
 * What a restore has done so far (one document, `_id: 'restore'`), written before each step so the
 * next start can roll an interrupted restore forward (once swapping began) or back (before that).
 */
export interface RestoreJournalDoc {
  _id: string;
  state: RestoreJournalState;
  backup: string;
  drop: boolean;
  /** The staging token of the adapter: staging collections of this restore carry it. */
  token?: string;
  actor: Actor;
  /** Collections replaced by their staged copy, in swap order, each marked once swapped. */
  replace: Array<{ name: string; swapped: boolean }>;
  startedAt: Date;
  updatedAt: Date;
  maintenanceSince?: Date;
  error?: string;
}

export interface AnalysisDoc {
  _id: string;
  accountId: string;
  idempotencyKey: string;
  fingerprint: string;
  input: Record<string, unknown>;
  result?: Record<string, unknown>;
  narrative?: string;
  status: 'pending' | 'succeeded' | 'failed';
  error?: string;
  reservationId?: string;
  creditsCharged: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A support action waiting for its requester to press "Confirm" (a large removal, granting credits a
 * missed webhook never granted). Kept in the Store, not in process memory, so any replica can
 * receive the button press.
 */
export type PendingConfirmationStatus = 'pending' | 'confirmed' | 'cancelled' | 'expired';
export type PendingConfirmationAction = 'credits.remove' | 'payments.grant_missing';
export interface PendingConfirmationDoc {
  _id: string;
  action: PendingConfirmationAction;
  /** The idempotency key of the request that asked (one prompt per request). */
  requestKey: string;
  requester: Actor;
  accountId: string;
  /** Credits the action would move (removal: asked for; grant: the sessions' total). */
  amount: number;
  reason: string;
  /** Removals: why it needed confirming when it was asked. */
  because: Array<'above_threshold' | 'above_available'>;
  /** Grants: exactly the Checkout sessions the prompt listed. */
  checkoutSessionIds?: string[];
  status: PendingConfirmationStatus;
  createdAt: Date;
  expiresAt: Date;
  resolvedAt?: Date;
  resolvedBy?: Actor;
  ledgerEntryId?: string;
}

/**
 * One claimed idempotency key of a request whose effect is not a single store transaction (a
 * support replay of a Stripe event, an on-demand backup): the unique (scope, key) index lets one
 * request run; the others replay its stored result.
 */
export interface IdempotencyKeyDoc {
  _id: string;
  scope: string;
  key: string;
  /** Canonical description of the request, compared when the key is used again. */
  fingerprint: string;
  status: 'running' | 'done';
  result?: Record<string, unknown>;
  createdAt: Date;
  completedAt?: Date;
}

/** Every collection the Store holds, by name. */
export interface Collections {
  accounts: AccountDoc;
  ledgerEntries: LedgerEntryDoc;
  reservations: ReservationDoc;
  processedEvents: ProcessedEventDoc;
  purchases: PurchaseDoc;
  webhookFailures: WebhookFailureDoc;
  auditLog: AuditLogDoc;
  jobLocks: JobLockDoc;
  jobRuns: JobRunDoc;
  analyses: AnalysisDoc;
  pendingConfirmations: PendingConfirmationDoc;
  maintenance: MaintenanceDoc;
  restoreJournal: RestoreJournalDoc;
  idempotencyKeys: IdempotencyKeyDoc;
}
export type CollectionName = keyof Collections;
