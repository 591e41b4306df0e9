import { gql } from './client';

/**
 * Every operation of the console. A unit test validates each document against schema.graphql, so a
 * renamed field fails the build instead of the browser.
 */
export type AccountStatus = 'ACTIVE' | 'FROZEN';
export type AccountOrder = 'EMAIL' | 'BALANCE_DESC' | 'LAST_ACTIVITY_DESC';

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
export interface AccountRow {
  id: string;
  email: string;
  balance: number;
  reserved: number;
  available: number;
  status: AccountStatus;
  lastActivityAt: string;
}
export interface LedgerRow {
  id: string;
  amount: number;
  balanceAfter: number;
  kind: string;
  reason: string | null;
  actor: { type: string; name: string | null } | null;
  createdAt: string;
}
export interface AuditRow {
  id: string;
  action: string;
  actor: { type: string; id: string; name: string | null };
  reason: string | null;
  amount: number | null;
  balanceBefore: number | null;
  balanceAfter: number | null;
  createdAt: string;
}

export const ConsoleSettings = gql<{ consoleSettings: { loginUrl: string | null; supportConfirmAbove: number } }>(`
  query ConsoleSettings { consoleSettings { loginUrl supportConfirmAbove } }
`);

export const SessionCheck = gql<{ me: { email: string }; accounts: { nodes: Array<{ id: string }> } }>(`
  query SessionCheck { me { email } accounts(first: 1) { nodes { id } } }
`);

const ACCOUNT_FIELDS = 'id email balance reserved available status lastActivityAt';

export const Accounts = gql<
  { accounts: { nodes: AccountRow[]; pageInfo: PageInfo } },
  { search: string | null; orderBy: AccountOrder; after: string | null }
>(`
  query Accounts($search: String, $orderBy: AccountOrder, $after: String) {
    accounts(search: $search, orderBy: $orderBy, first: 25, after: $after) {
      nodes { ${ACCOUNT_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const AccountDetail = gql<
  {
    account: AccountRow | null;
    accountPurchases: {
      nodes: Array<{
        id: string;
        packageId: string;
        credits: number;
        status: string;
        creditsGranted: number;
        createdAt: string;
      }>;
    };
  },
  { id: string }
>(`
  query AccountDetail($id: ID!) {
    account(id: $id) { ${ACCOUNT_FIELDS} }
    accountPurchases(accountId: $id, first: 20) { nodes { id packageId credits status creditsGranted createdAt } }
  }
`);

export const AccountLedger = gql<
  { accountLedger: { nodes: LedgerRow[]; pageInfo: PageInfo } },
  { id: string; after: string | null }
>(`
  query AccountLedger($id: ID!, $after: String) {
    accountLedger(accountId: $id, first: 20, after: $after) {
      nodes { id amount balanceAfter kind reason actor { type name } createdAt }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const AccountAuditTrail = gql<
  { accountAuditTrail: { nodes: AuditRow[]; pageInfo: PageInfo } },
  { id: string; after: string | null }
>(`
  query AccountAuditTrail($id: ID!, $after: String) {
    accountAuditTrail(accountId: $id, first: 20, after: $after) {
      nodes { id action actor { type id name } reason amount balanceBefore balanceAfter createdAt }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const AdjustCredits = gql<
  { adjustCredits: { id: string; balanceAfter: number } },
  { accountId: string; amount: number; reason: string; key: string }
>(`
  mutation AdjustCredits($accountId: ID!, $amount: Int!, $reason: String!, $key: String!) {
    adjustCredits(accountId: $accountId, amount: $amount, reason: $reason, idempotencyKey: $key) { id balanceAfter }
  }
`);

export const FreezeAccount = gql<
  { freezeAccount: { id: string; status: AccountStatus } },
  { id: string; reason: string }
>(`
  mutation FreezeAccount($id: ID!, $reason: String!) { freezeAccount(accountId: $id, reason: $reason) { id status } }
`);

export const UnfreezeAccount = gql<
  { unfreezeAccount: { id: string; status: AccountStatus } },
  { id: string; reason: string }
>(`
  mutation UnfreezeAccount($id: ID!, $reason: String!) { unfreezeAccount(accountId: $id, reason: $reason) { id status } }
`);

export interface Diagnosis {
  stripe: string;
  sessions: Array<{
    checkoutSessionId: string;
    credits: number | null;
    purchaseStatus: string | null;
    paymentStatus: string | null;
    creditsGranted: number;
    missingGrant: boolean;
  }>;
  grantPrompt: { id: string; credits: number; expiresAt: string } | null;
}
export const DiagnoseMissingCredits = gql<{ diagnoseMissingCredits: Diagnosis }, { id: string; key: string }>(`
  mutation DiagnoseMissingCredits($id: ID!, $key: String!) {
    diagnoseMissingCredits(accountId: $id, idempotencyKey: $key) {
      stripe
      sessions { checkoutSessionId credits purchaseStatus paymentStatus creditsGranted missingGrant }
      grantPrompt { id credits expiresAt }
    }
  }
`);

export const GrantMissingCredits = gql<
  { grantMissingCredits: { granted: number; sessions: Array<{ checkoutSessionId: string; outcome: string }> } },
  { confirmationId: string }
>(`
  mutation GrantMissingCredits($confirmationId: ID!) {
    grantMissingCredits(confirmationId: $confirmationId) { granted sessions { checkoutSessionId outcome } }
  }
`);

export interface WebhookFailureRow {
  eventId: string;
  type: string;
  checkoutSessionId: string | null;
  accountId: string | null;
  error: string;
  attempts: number;
  lastSeenAt: string;
  resolvedAt: string | null;
}
export const WebhookFailures = gql<
  { webhookFailures: { nodes: WebhookFailureRow[]; pageInfo: PageInfo } },
  { includeResolved: boolean; after: string | null }
>(`
  query WebhookFailures($includeResolved: Boolean, $after: String) {
    webhookFailures(includeResolved: $includeResolved, first: 25, after: $after) {
      nodes { eventId type checkoutSessionId accountId error attempts lastSeenAt resolvedAt }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const ReplayStripeEvent = gql<
  { replayStripeEvent: { status: string; outcome: string | null; error: string | null } },
  { eventId: string }
>(`
  mutation ReplayStripeEvent($eventId: String!) { replayStripeEvent(eventId: $eventId) { status outcome error } }
`);

export interface BackupRow {
  name: string;
  createdAt: string;
  documents: number;
  bytes: number;
  lastVerification: { at: string; ok: boolean } | null;
}
export interface JobRunRow {
  id: string;
  job: string;
  startedAt: string;
  durationMs: number | null;
  outcome: string;
  error: string | null;
}
export const BackupsAndJobs = gql<{ backups: BackupRow[]; jobRuns: JobRunRow[] }>(`
  query BackupsAndJobs {
    backups { name createdAt documents bytes lastVerification { at ok } }
    jobRuns(first: 30) { id job startedAt durationMs outcome error }
  }
`);

export const CreateBackup = gql<{ createBackup: { name: string } }>(`
  mutation CreateBackup { createBackup { name } }
`);

export const VerifyBackup = gql<
  { verifyBackup: { name: string; ok: boolean; problems: Array<{ file: string; problem: string }> } },
  { name: string }
>(`
  mutation VerifyBackup($name: String!) { verifyBackup(name: $name) { name ok problems { file problem } } }
`);

export interface OverviewData {
  creditsOverview: {
    from: string;
    days: Array<{ day: string; sold: number; spent: number }>;
    totalSold: number;
    totalSpent: number;
  };
}
export const CreditsOverview = gql<OverviewData, { days: number }>(`
  query CreditsOverview($days: Int!) { creditsOverview(days: $days) { from days { day sold spent } totalSold totalSpent } }
`);
