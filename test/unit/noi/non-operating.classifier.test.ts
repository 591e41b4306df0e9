import { describe, expect, it } from 'vitest';
import { nonOperatingReason } from '../../../src/domain/noi/non-operating.classifier.js';

describe(nonOperatingReason.name, () => {
  it.each([
    ['Mortgage interest', 'DEBT_SERVICE'],
    ['Mortgage payment (P&I)', 'DEBT_SERVICE'],
    ['Loan principal', 'DEBT_SERVICE'],
    ['Debt service', 'DEBT_SERVICE'],
    ['Interest expense', 'DEBT_SERVICE'],
    ['Depreciation', 'DEPRECIATION'],
    ['Amortization of loan costs', 'AMORTISATION'],
    ['Amortisation', 'AMORTISATION'],
    ['Roof replacement', 'CAPITAL_EXPENDITURE'],
    ['Capital expenditures', 'CAPITAL_EXPENDITURE'],
    ['CapEx - parking lot', 'CAPITAL_EXPENDITURE'],
    ['Unit renovations', 'CAPITAL_EXPENDITURE'],
    ['Income taxes', 'INCOME_TAX'],
    ['Federal income tax', 'INCOME_TAX'],
  ])('classifies "%s" as %s', (label, reason) => {
    expect(nonOperatingReason(label)).toBe(reason);
  });

  it.each([
    'Property taxes',
    'Real estate tax',
    'Insurance',
    'Repairs & maintenance',
    'Replacement reserves',
    'Reserve for replacements',
    'Management fee',
    'Payroll',
    'Landscaping',
  ])('treats "%s" as an operating expense', (label) => {
    expect(nonOperatingReason(label)).toBeNull();
  });
});
