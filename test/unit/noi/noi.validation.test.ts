import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { parseNoiInput, type NoiInputDraft } from '../../../src/domain/noi/noi.validation.js';

const valid = (): NoiInputDraft => ({
  property: { name: 'Test House', units: 1 },
  period: 'ANNUAL',
  incomeLines: [{ label: 'Rent', category: 'RENT', amount: 12_000 }],
  expenseLines: [{ label: 'Taxes', category: 'TAXES', amount: 2_000 }],
});

function errorOf(draft: unknown): DomainError {
  try {
    parseNoiInput(draft);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a validation error');
}

describe(parseNoiInput.name, () => {
  it('turns dollars into integer cents and fills the defaults', () => {
    const input = parseNoiInput({ ...valid(), incomeLines: [{ label: ' Rent ', category: 'RENT', amount: 1234.56 }] });
    expect(input).toEqual({
      property: { name: 'Test House', units: 1, rentableSquareFeet: null },
      period: 'ANNUAL',
      incomeLines: [{ label: 'Rent', category: 'RENT', amount: 123_456, monthly: null }],
      vacancyAndCreditLoss: null,
      expenseLines: [{ label: 'Taxes', category: 'TAXES', amount: 200_000, monthly: null }],
      capRates: [],
      annualDebtService: null,
    });
  });

  it.each<[string, (d: NoiInputDraft) => unknown, string]>([
    ['no income lines', (d) => ({ ...d, incomeLines: [] }), 'incomeLines: at least one income line is required'],
    [
      'a negative income amount',
      (d) => ({ ...d, incomeLines: [{ label: 'Rent', category: 'RENT', amount: -1 }] }),
      'incomeLines.0.amount: must not be negative',
    ],
    [
      'a negative expense amount',
      (d) => ({ ...d, expenseLines: [{ label: 'Taxes', amount: -0.01 }] }),
      'expenseLines.0.amount: must not be negative',
    ],
    [
      'three decimals',
      (d) => ({ ...d, incomeLines: [{ label: 'Rent', category: 'RENT', amount: 10.005 }] }),
      'incomeLines.0.amount: must be dollars with at most two decimals',
    ],
    ['a cap rate of 0', (d) => ({ ...d, capRates: [6, 0] }), 'capRates.1: must be greater than 0'],
    ['a cap rate above 100', (d) => ({ ...d, capRates: [100.5] }), 'capRates.0: must be at most 100 (percent)'],
    [
      'a vacancy rate above 100',
      (d) => ({ ...d, vacancyAndCreditLoss: { ratePercent: 101 } }),
      'vacancyAndCreditLoss.ratePercent: must be at most 100 (percent)',
    ],
    [
      'both a vacancy rate and amount',
      (d) => ({ ...d, vacancyAndCreditLoss: { ratePercent: 5, amount: 100 } }),
      'vacancyAndCreditLoss: give exactly one of ratePercent, amount or monthly',
    ],
    [
      'a vacancy above the income',
      (d) => ({ ...d, vacancyAndCreditLoss: { amount: 12_000.01 } }),
      'vacancyAndCreditLoss: must not exceed gross potential income ($12,000.00 a year)',
    ],
    [
      'a T12 line without its months',
      (d) => ({ ...d, period: 'T12' }),
      'incomeLines.0.amount: not used when period is T12: give monthly (12 amounts) instead',
    ],
    [
      'eleven months',
      (d) => ({ ...d, period: 'T12', incomeLines: [{ label: 'Rent', category: 'RENT', monthly: Array(11).fill(1) }] }),
      'incomeLines.0.monthly: must hold exactly 12 monthly amounts',
    ],
    [
      'monthly figures on an annual statement',
      (d) => ({ ...d, expenseLines: [{ label: 'Taxes', amount: 1, monthly: Array(12).fill(1) }] }),
      'expenseLines.0.monthly: only used when period is T12; give amount for ANNUAL',
    ],
    [
      '10,000 lines',
      (d) => ({
        ...d,
        expenseLines: Array.from({ length: 10_000 }, (_, i) => ({ label: `Line ${i}`, amount: 1 })),
      }),
      'expenseLines: too many lines: at most 500',
    ],
    [
      '300 income and 300 expense lines',
      (d) => ({
        ...d,
        incomeLines: Array.from({ length: 300 }, (_, i) => ({ label: `Rent ${i}`, category: 'RENT', amount: 1 })),
        expenseLines: Array.from({ length: 300 }, (_, i) => ({ label: `Line ${i}`, amount: 1 })),
      }),
      'expenseLines: too many lines: 600; at most 500',
    ],
    [
      'a label over 120 characters',
      (d) => ({ ...d, expenseLines: [{ label: 'x'.repeat(121), amount: 1 }] }),
      'expenseLines.0.label: must be at most 120 characters',
    ],
    [
      'an empty label',
      (d) => ({ ...d, expenseLines: [{ label: '   ', amount: 1 }] }),
      'expenseLines.0.label: must not be empty',
    ],
    [
      'zero total income',
      (d) => ({ ...d, incomeLines: [{ label: 'Rent', category: 'RENT', amount: 0 }] }),
      'incomeLines: total income must be greater than 0',
    ],
    ['a debt service of 0', (d) => ({ ...d, annualDebtService: 0 }), 'annualDebtService: must be greater than 0'],
    [
      'fractional units',
      (d) => ({ ...d, property: { name: 'X', units: 2.5 } }),
      'property.units: must be a whole number',
    ],
    ['an unknown period', (d) => ({ ...d, period: 'WEEKLY' }), 'period: must be one of ANNUAL, MONTHLY, T12'],
    [
      'a string amount',
      (d) => ({ ...d, incomeLines: [{ label: 'Rent', category: 'RENT', amount: '100' }] }),
      'incomeLines.0.amount: must be a number',
    ],
  ])('refuses %s with BAD_USER_INPUT naming the field', (_name, change, message) => {
    const error = errorOf(change(valid()));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain(message);
  });
});
