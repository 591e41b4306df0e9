import { registerEnumType } from 'type-graphql';

// GraphQL names of the domain's string unions (src/domain/noi/noi.types.ts); values are identical.
export enum Period {
  ANNUAL = 'ANNUAL',
  MONTHLY = 'MONTHLY',
  T12 = 'T12',
}
registerEnumType(Period, {
  name: 'Period',
  description: 'How the statement states its money.',
  valuesConfig: {
    ANNUAL: { description: 'Each line carries `amount` for a year.' },
    MONTHLY: { description: 'Each line carries `amount` for one month; annualised ×12.' },
    T12: { description: 'Each line carries `monthly`: the trailing twelve months, summed.' },
  },
});

export enum IncomeCategory {
  RENT = 'RENT',
  OTHER = 'OTHER',
}
registerEnumType(IncomeCategory, { name: 'IncomeCategory' });

export enum ExpenseCategory {
  TAXES = 'TAXES',
  INSURANCE = 'INSURANCE',
  UTILITIES = 'UTILITIES',
  REPAIRS_AND_MAINTENANCE = 'REPAIRS_AND_MAINTENANCE',
  MANAGEMENT = 'MANAGEMENT',
  PAYROLL = 'PAYROLL',
  ADMINISTRATIVE = 'ADMINISTRATIVE',
  MARKETING = 'MARKETING',
  CONTRACT_SERVICES = 'CONTRACT_SERVICES',
  RESERVES = 'RESERVES',
  OTHER = 'OTHER',
}
registerEnumType(ExpenseCategory, { name: 'ExpenseCategory' });

export enum NonOperatingReason {
  DEBT_SERVICE = 'DEBT_SERVICE',
  DEPRECIATION = 'DEPRECIATION',
  AMORTISATION = 'AMORTISATION',
  CAPITAL_EXPENDITURE = 'CAPITAL_EXPENDITURE',
  INCOME_TAX = 'INCOME_TAX',
}
registerEnumType(NonOperatingReason, {
  name: 'NonOperatingReason',
  description: 'Why an expense line was left out of operating expenses and NOI.',
});

export enum NoiWarningCode {
  NON_OPERATING_EXPENSE = 'NON_OPERATING_EXPENSE',
  DUPLICATE_LABEL = 'DUPLICATE_LABEL',
  NO_VACANCY_ALLOWANCE = 'NO_VACANCY_ALLOWANCE',
  EXPENSE_RATIO_LOW = 'EXPENSE_RATIO_LOW',
  EXPENSE_RATIO_HIGH = 'EXPENSE_RATIO_HIGH',
  NEGATIVE_NOI = 'NEGATIVE_NOI',
}
registerEnumType(NoiWarningCode, { name: 'NoiWarningCode' });

export enum AnalysisStatus {
  PENDING = 'pending',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}
registerEnumType(AnalysisStatus, {
  name: 'AnalysisStatus',
  valuesConfig: { FAILED: { description: 'Nothing was charged; `error` says why.' } },
});

export enum AnalysisSource {
  INPUT = 'INPUT',
  STATEMENT = 'STATEMENT',
}
registerEnumType(AnalysisSource, {
  name: 'AnalysisSource',
  valuesConfig: {
    INPUT: { description: 'The caller gave the figures.' },
    STATEMENT: { description: 'The model read a pasted statement; our calculator computed the figures.' },
  },
});
