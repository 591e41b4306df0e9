/**
 * type-graphql needs TypeScript enums, while the domain speaks string unions. Each GraphQL enum
 * below is checked at compile time to hold exactly the values of its domain union, so adding a
 * value on one side fails `npm run typecheck` instead of failing a response at run time
 * ("Enum cannot represent value").
 */
import type { AnalysisPlan } from '../../domain/noi/analysis.request.js';
import type * as noi from '../../domain/noi/noi.types.js';
import type { EventStatus } from '../../domain/payments/stripe-events.service.js';
import type * as docs from '../../domain/ports/documents.js';
import type { AccountOrder as DomainAccountOrder } from '../../domain/accounts/account.types.js';
import type { AccountOrder, AccountStatus } from './account.graphql.js';
import type * as analysis from './analysis-enums.graphql.js';
import type { JobRunOutcome } from './backup.graphql.js';
import type { ActorType, LedgerKind, SourceType } from './ledger-entry.graphql.js';
import type { StripeView as DomainStripeView } from '../../domain/support/payment-support.types.js';
import type { StripeView } from './payment-diagnosis.graphql.js';
import type { PurchaseStatus } from './purchase.graphql.js';
import type { StripeEventStatus } from './stripe-event.graphql.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const ENUM_PARITY: Record<string, true> = {
  AccountStatus: true satisfies Same<`${AccountStatus}`, docs.AccountStatus>,
  AccountOrder: true satisfies Same<`${AccountOrder}`, DomainAccountOrder>,
  LedgerKind: true satisfies Same<`${LedgerKind}`, docs.LedgerKind>,
  SourceType: true satisfies Same<`${SourceType}`, docs.SourceType>,
  ActorType: true satisfies Same<`${ActorType}`, docs.ActorType>,
  PurchaseStatus: true satisfies Same<`${PurchaseStatus}`, docs.PurchaseStatus>,
  JobRunOutcome: true satisfies Same<`${JobRunOutcome}`, docs.JobRunDoc['outcome']>,
  StripeView: true satisfies Same<`${StripeView}`, DomainStripeView>,
  StripeEventStatus: true satisfies Same<`${StripeEventStatus}`, EventStatus>,
  Period: true satisfies Same<`${analysis.Period}`, noi.Period>,
  IncomeCategory: true satisfies Same<`${analysis.IncomeCategory}`, noi.IncomeCategory>,
  ExpenseCategory: true satisfies Same<`${analysis.ExpenseCategory}`, noi.ExpenseCategory>,
  NonOperatingReason: true satisfies Same<`${analysis.NonOperatingReason}`, noi.NonOperatingReason>,
  NoiWarningCode: true satisfies Same<`${analysis.NoiWarningCode}`, noi.WarningCode>,
  AnalysisStatus: true satisfies Same<`${analysis.AnalysisStatus}`, docs.AnalysisDoc['status']>,
  AnalysisSource: true satisfies Same<`${analysis.AnalysisSource}`, AnalysisPlan['source']>,
};
