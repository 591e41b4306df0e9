import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { authChecker } from './auth/auth-checker.js';
import { AccountResolver } from './resolvers/account.resolver.js';
import { AccountStatusResolver } from './resolvers/account-status.resolver.js';
import { AnalysisResolver } from './resolvers/analysis.resolver.js';
import { BackupResolver } from './resolvers/backup.resolver.js';
import { CreditOverviewResolver } from './resolvers/credit-overview.resolver.js';
import { CreditPackageResolver } from './resolvers/credit-package.resolver.js';
import { CreditsResolver } from './resolvers/credits.resolver.js';
import { LedgerResolver } from './resolvers/ledger.resolver.js';
import { PaymentSupportResolver } from './resolvers/payment-support.resolver.js';
import { PurchaseResolver } from './resolvers/purchase.resolver.js';
import { StripeSupportResolver } from './resolvers/stripe-support.resolver.js';

/**
 * Every resolver class of the API. A feature adds its resolver here (one line), then runs
 * `npm run schema:print` to update the checked-in schema.graphql.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [
  AccountResolver,
  CreditPackageResolver,
  LedgerResolver,
  CreditsResolver,
  AnalysisResolver,
  PurchaseResolver,
  StripeSupportResolver,
  BackupResolver,
  AccountStatusResolver,
  PaymentSupportResolver,
  CreditOverviewResolver,
];

/** Resolvers are stateless (services come through the context), so one schema serves every server. */
export async function buildGraphqlSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    validate: false,
  });
}
