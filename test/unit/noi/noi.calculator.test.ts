import { describe, expect, it } from 'vitest';
import { calculateNoi } from '../../../src/domain/noi/noi.calculator.js';
import type { NoiResult } from '../../../src/domain/noi/noi.types.js';
import { parseNoiInput, type NoiInputDraft } from '../../../src/domain/noi/noi.validation.js';

/**
 * Golden cases, worked by hand below each input. Inputs are dollars (as the API takes them); every
 * money figure of the result is annual integer cents, so `7_693_950` reads "$76,939.50". Rounding is
 * half away from zero, to the cent (money) or to two decimals (percentages, DSCR).
 */
const analyse = (draft: NoiInputDraft): NoiResult => calculateNoi(parseNoiInput(draft));
const codes = (r: NoiResult) => r.warnings.map((w) => [w.code, w.label]);

describe(calculateNoi.name, () => {
  it('analyses a small multifamily annual statement', () => {
    const r = analyse({
      property: { name: 'Maple Court', units: 8 },
      period: 'ANNUAL',
      incomeLines: [
        { label: 'Rents', category: 'RENT', amount: 120_000 },
        { label: 'Laundry', category: 'OTHER', amount: 2_400 },
        { label: 'Parking', category: 'OTHER', amount: 1_800 },
      ],
      vacancyAndCreditLoss: { ratePercent: 5 },
      expenseLines: [
        { label: 'Property taxes', category: 'TAXES', amount: 14_400 },
        { label: 'Insurance', category: 'INSURANCE', amount: 4_800 },
        { label: 'Water & sewer', category: 'UTILITIES', amount: 6_000 },
        { label: 'Repairs & maintenance', category: 'REPAIRS_AND_MAINTENANCE', amount: 7_200 },
        { label: 'Management', category: 'MANAGEMENT', amount: 7_000 },
        { label: 'Landscaping', category: 'CONTRACT_SERVICES', amount: 1_650.5 },
      ],
      capRates: [6, 6.5, 7],
      annualDebtService: 60_000,
    });
    // GPR = 120,000.00; other = 2,400 + 1,800 = 4,200.00; GPI = 124,200.00
    // vacancy = 5 % × 124,200.00 = 6,210.00; EGI = 124,200.00 − 6,210.00 = 117,990.00
    // opex = 14,400 + 4,800 + 6,000 + 7,200 + 7,000 + 1,650.50 = 41,050.50
    // NOI = 117,990.00 − 41,050.50 = 76,939.50
    // expense ratio = 41,050.50 / 117,990.00 = 34.7915…% → 34.79 (inside 25–65 %: no warning)
    // per unit = 76,939.50 / 8 = 9,617.4375 → 9,617.44
    // values: /0.06 = 1,282,325.00; /0.065 = 1,183,684.6153… → 1,183,684.62; /0.07 = 1,099,135.7142… → 1,099,135.71
    // DSCR = 76,939.50 / 60,000 = 1.2823… → 1.28
    // break-even occupancy = (41,050.50 + 60,000) / 124,200 = 81.3611…% → 81.36
    expect(r).toEqual({
      period: 'ANNUAL',
      grossPotentialRent: 12_000_000,
      otherIncome: 420_000,
      grossPotentialIncome: 12_420_000,
      vacancyAndCreditLoss: 621_000,
      effectiveGrossIncome: 11_799_000,
      operatingExpenses: 4_105_050,
      operatingExpensesByCategory: [
        { category: 'TAXES', amount: 1_440_000 },
        { category: 'INSURANCE', amount: 480_000 },
        { category: 'UTILITIES', amount: 600_000 },
        { category: 'REPAIRS_AND_MAINTENANCE', amount: 720_000 },
        { category: 'MANAGEMENT', amount: 700_000 },
        { category: 'CONTRACT_SERVICES', amount: 165_050 },
      ],
      netOperatingIncome: 7_693_950,
      expenseRatioPercent: 34.79,
      noiPerUnit: 961_744,
      noiPerSquareFoot: null,
      valuations: [
        { capRatePercent: 6, value: 128_232_500 },
        { capRatePercent: 6.5, value: 118_368_462 },
        { capRatePercent: 7, value: 109_913_571 },
      ],
      annualDebtService: 6_000_000,
      debtServiceCoverageRatio: 1.28,
      breakEvenOccupancyPercent: 81.36,
      excludedLines: [],
      warnings: [],
    });
  });

  it('annualises a monthly statement (×12) and flags duplicate labels and a low expense ratio', () => {
    const r = analyse({
      property: { name: 'Birch Duplex', units: 2 },
      period: 'MONTHLY',
      incomeLines: [
        { label: 'Unit A rent', category: 'RENT', amount: 1_450 },
        { label: 'Unit B rent', category: 'RENT', amount: 1_375.5 },
        { label: 'Pet fees', category: 'OTHER', amount: 35 },
      ],
      vacancyAndCreditLoss: { amount: 80.25 },
      expenseLines: [
        { label: 'Property tax', category: 'TAXES', amount: 310 },
        { label: 'Insurance', category: 'INSURANCE', amount: 125.4 },
        { label: 'Repairs', category: 'REPAIRS_AND_MAINTENANCE', amount: 150 },
        { label: 'Lawn care', category: 'CONTRACT_SERVICES', amount: 60 },
        { label: 'repairs', category: 'REPAIRS_AND_MAINTENANCE', amount: 45 },
      ],
      capRates: [7.25],
    });
    // GPR = (1,450.00 + 1,375.50) × 12 = 2,825.50 × 12 = 33,906.00; other = 35 × 12 = 420.00
    // GPI = 34,326.00; vacancy = 80.25 × 12 = 963.00; EGI = 33,363.00
    // opex = (310 + 125.40 + 150 + 60 + 45) × 12 = 690.40 × 12 = 8,284.80
    //   by category: taxes 3,720.00; insurance 1,504.80; repairs (150 + 45) × 12 = 2,340.00; contract 720.00
    // NOI = 33,363.00 − 8,284.80 = 25,078.20
    // expense ratio = 8,284.80 / 33,363.00 = 24.832…% → 24.83 (< 25 %: EXPENSE_RATIO_LOW)
    // per unit = 25,078.20 / 2 = 12,539.10
    // value at 7.25 % = 25,078.20 / 0.0725 = 345,906.2068… → 345,906.21
    // "Repairs" and "repairs" are the same label: DUPLICATE_LABEL (both counted)
    expect(r).toEqual({
      period: 'MONTHLY',
      grossPotentialRent: 3_390_600,
      otherIncome: 42_000,
      grossPotentialIncome: 3_432_600,
      vacancyAndCreditLoss: 96_300,
      effectiveGrossIncome: 3_336_300,
      operatingExpenses: 828_480,
      operatingExpensesByCategory: [
        { category: 'TAXES', amount: 372_000 },
        { category: 'INSURANCE', amount: 150_480 },
        { category: 'REPAIRS_AND_MAINTENANCE', amount: 234_000 },
        { category: 'CONTRACT_SERVICES', amount: 72_000 },
      ],
      netOperatingIncome: 2_507_820,
      expenseRatioPercent: 24.83,
      noiPerUnit: 1_253_910,
      noiPerSquareFoot: null,
      valuations: [{ capRatePercent: 7.25, value: 34_590_621 }],
      annualDebtService: null,
      debtServiceCoverageRatio: null,
      breakEvenOccupancyPercent: null,
      excludedLines: [],
      warnings: expect.any(Array),
    });
    expect(codes(r)).toEqual([
      ['DUPLICATE_LABEL', 'Repairs'],
      ['EXPENSE_RATIO_LOW', null],
    ]);
    expect(r.warnings[1]?.message).toContain('24.83 %');
  });

  it('sums a T12 statement month by month and warns that no vacancy is allowed for', () => {
    const r = analyse({
      property: { name: 'Cedar Fourplex', units: 4 },
      period: 'T12',
      incomeLines: [
        {
          label: 'Rental income',
          category: 'RENT',
          monthly: [3_800, 3_800, 3_800, 3_650, 3_800, 3_800, 3_900, 3_900, 3_900, 3_900, 3_750, 3_900],
        },
        { label: 'Late fees', category: 'OTHER', monthly: [0, 50, 0, 25, 0, 0, 50, 0, 0, 25, 0, 0] },
      ],
      expenseLines: [
        { label: 'Property taxes', category: 'TAXES', monthly: Array<number>(12).fill(900) },
        { label: 'Insurance', category: 'INSURANCE', monthly: Array<number>(12).fill(310.25) },
        {
          label: 'Utilities',
          category: 'UTILITIES',
          monthly: [420.1, 455.3, 390, 310.75, 250, 240, 260.4, 275, 265.9, 300, 380.6, 410.2],
        },
        { label: 'Repairs', monthly: [0, 120, 0, 0, 640.5, 0, 85, 0, 0, 210, 0, 0] },
      ],
      capRates: [7.5],
      annualDebtService: 24_000,
    });
    // rent, month by month:
    //   3,800+3,800+3,800+3,650+3,800+3,800+3,900+3,900+3,900+3,900+3,750+3,900 = 45,900.00 = GPR
    // late fees = 50 + 25 + 50 + 25 = 150.00 = other; GPI = 46,050.00; no vacancy → EGI = 46,050.00
    // taxes 900 × 12 = 10,800.00; insurance 310.25 × 12 = 3,723.00
    // utilities = 420.10+455.30+390.00+310.75+250.00+240.00+260.40+275.00+265.90+300.00+380.60+410.20 = 3,958.25
    // repairs (no category → OTHER) = 120 + 640.50 + 85 + 210 = 1,055.50
    // opex = 10,800 + 3,723 + 3,958.25 + 1,055.50 = 19,536.75; NOI = 46,050 − 19,536.75 = 26,513.25
    // expense ratio = 19,536.75 / 46,050 = 42.425…% → 42.43; per unit = 26,513.25 / 4 = 6,628.3125 → 6,628.31
    // value at 7.5 % = 26,513.25 / 0.075 = 353,510.00
    // DSCR = 26,513.25 / 24,000 = 1.1047… → 1.10; break-even = (19,536.75 + 24,000) / 46,050 = 94.542…% → 94.54
    expect(r).toEqual({
      period: 'T12',
      grossPotentialRent: 4_590_000,
      otherIncome: 15_000,
      grossPotentialIncome: 4_605_000,
      vacancyAndCreditLoss: 0,
      effectiveGrossIncome: 4_605_000,
      operatingExpenses: 1_953_675,
      operatingExpensesByCategory: [
        { category: 'TAXES', amount: 1_080_000 },
        { category: 'INSURANCE', amount: 372_300 },
        { category: 'UTILITIES', amount: 395_825 },
        { category: 'OTHER', amount: 105_550 },
      ],
      netOperatingIncome: 2_651_325,
      expenseRatioPercent: 42.43,
      noiPerUnit: 662_831,
      noiPerSquareFoot: null,
      valuations: [{ capRatePercent: 7.5, value: 35_351_000 }],
      annualDebtService: 2_400_000,
      debtServiceCoverageRatio: 1.1,
      breakEvenOccupancyPercent: 94.54,
      excludedLines: [],
      warnings: expect.any(Array),
    });
    expect(codes(r)).toEqual([['NO_VACANCY_ALLOWANCE', null]]);
  });

  it('gives per-square-foot figures for an office building', () => {
    const r = analyse({
      property: { name: 'Harbor Point Office', rentableSquareFeet: 24_000 },
      period: 'ANNUAL',
      incomeLines: [
        { label: 'Base rent', category: 'RENT', amount: 528_000 },
        { label: 'Expense reimbursements', category: 'OTHER', amount: 96_000 },
        { label: 'Parking', category: 'OTHER', amount: 18_000 },
      ],
      vacancyAndCreditLoss: { ratePercent: 7.5 },
      expenseLines: [
        { label: 'Real estate taxes', category: 'TAXES', amount: 92_400 },
        { label: 'Insurance', category: 'INSURANCE', amount: 18_250 },
        { label: 'Utilities', category: 'UTILITIES', amount: 54_000 },
        { label: 'Janitorial', category: 'CONTRACT_SERVICES', amount: 36_000 },
        { label: 'Repairs & maintenance', category: 'REPAIRS_AND_MAINTENANCE', amount: 28_800 },
        { label: 'Management fee', category: 'MANAGEMENT', amount: 17_500 },
        { label: 'Engineer payroll', category: 'PAYROLL', amount: 22_000 },
        { label: 'Office & admin', category: 'ADMINISTRATIVE', amount: 6_150.75 },
      ],
      capRates: [7, 8],
      annualDebtService: 250_000,
    });
    // GPR = 528,000.00; other = 96,000 + 18,000 = 114,000.00; GPI = 642,000.00
    // vacancy = 7.5 % × 642,000 = 48,150.00; EGI = 593,850.00
    // opex = 92,400 + 18,250 + 54,000 + 36,000 + 28,800 + 17,500 + 22,000 + 6,150.75 = 275,100.75
    // NOI = 593,850.00 − 275,100.75 = 318,749.25
    // expense ratio = 275,100.75 / 593,850 = 46.3249…% → 46.32
    // per sq ft = 318,749.25 / 24,000 = 13.2812… → 13.28; no units → per unit null
    // values: / 0.07 = 4,553,560.7142… → 4,553,560.71; / 0.08 = 3,984,365.625 → 3,984,365.63 (half away from zero)
    // DSCR = 318,749.25 / 250,000 = 1.274997 → 1.27; break-even = (275,100.75 + 250,000) / 642,000 = 81.7913…% → 81.79
    expect(r).toEqual({
      period: 'ANNUAL',
      grossPotentialRent: 52_800_000,
      otherIncome: 11_400_000,
      grossPotentialIncome: 64_200_000,
      vacancyAndCreditLoss: 4_815_000,
      effectiveGrossIncome: 59_385_000,
      operatingExpenses: 27_510_075,
      operatingExpensesByCategory: [
        { category: 'TAXES', amount: 9_240_000 },
        { category: 'INSURANCE', amount: 1_825_000 },
        { category: 'UTILITIES', amount: 5_400_000 },
        { category: 'REPAIRS_AND_MAINTENANCE', amount: 2_880_000 },
        { category: 'MANAGEMENT', amount: 1_750_000 },
        { category: 'PAYROLL', amount: 2_200_000 },
        { category: 'ADMINISTRATIVE', amount: 615_075 },
        { category: 'CONTRACT_SERVICES', amount: 3_600_000 },
      ],
      netOperatingIncome: 31_874_925,
      expenseRatioPercent: 46.32,
      noiPerUnit: null,
      noiPerSquareFoot: 1_328,
      valuations: [
        { capRatePercent: 7, value: 455_356_071 },
        { capRatePercent: 8, value: 398_436_563 },
      ],
      annualDebtService: 25_000_000,
      debtServiceCoverageRatio: 1.27,
      breakEvenOccupancyPercent: 81.79,
      excludedLines: [],
      warnings: [],
    });
  });

  it('leaves mortgage interest and a roof replacement out of operating expenses and warns about both', () => {
    const r = analyse({
      property: { name: 'Elm Street Apartments', units: 6 },
      period: 'ANNUAL',
      incomeLines: [
        { label: 'Gross rents', category: 'RENT', amount: 86_400 },
        { label: 'Laundry', category: 'OTHER', amount: 1_200 },
      ],
      vacancyAndCreditLoss: { ratePercent: 4 },
      expenseLines: [
        { label: 'Taxes', category: 'TAXES', amount: 9_800 },
        { label: 'Insurance', category: 'INSURANCE', amount: 3_600 },
        { label: 'Mortgage interest', amount: 31_500 },
        { label: 'Utilities', category: 'UTILITIES', amount: 5_400 },
        { label: 'Roof replacement', category: 'REPAIRS_AND_MAINTENANCE', amount: 18_000 },
        { label: 'Repairs', category: 'REPAIRS_AND_MAINTENANCE', amount: 4_200 },
        { label: 'Management', category: 'MANAGEMENT', amount: 5_000 },
      ],
      capRates: [6.5],
    });
    // GPR = 86,400.00; other = 1,200.00; GPI = 87,600.00; vacancy = 4 % × 87,600 = 3,504.00; EGI = 84,096.00
    // excluded: "Mortgage interest" 31,500.00 (debt service), "Roof replacement" 18,000.00 (capital expenditure)
    // opex = 9,800 + 3,600 + 5,400 + 4,200 + 5,000 = 28,000.00 (with the two lines it would be 77,500.00, 92.16 %)
    // NOI = 84,096.00 − 28,000.00 = 56,096.00
    // expense ratio = 28,000 / 84,096 = 33.295…% → 33.30; per unit = 56,096 / 6 = 9,349.333… → 9,349.33
    // value at 6.5 % = 56,096 / 0.065 = 863,015.3846… → 863,015.38
    expect(r).toEqual({
      period: 'ANNUAL',
      grossPotentialRent: 8_640_000,
      otherIncome: 120_000,
      grossPotentialIncome: 8_760_000,
      vacancyAndCreditLoss: 350_400,
      effectiveGrossIncome: 8_409_600,
      operatingExpenses: 2_800_000,
      operatingExpensesByCategory: [
        { category: 'TAXES', amount: 980_000 },
        { category: 'INSURANCE', amount: 360_000 },
        { category: 'UTILITIES', amount: 540_000 },
        { category: 'REPAIRS_AND_MAINTENANCE', amount: 420_000 },
        { category: 'MANAGEMENT', amount: 500_000 },
      ],
      netOperatingIncome: 5_609_600,
      expenseRatioPercent: 33.3,
      noiPerUnit: 934_933,
      noiPerSquareFoot: null,
      valuations: [{ capRatePercent: 6.5, value: 86_301_538 }],
      annualDebtService: null,
      debtServiceCoverageRatio: null,
      breakEvenOccupancyPercent: null,
      excludedLines: [
        { label: 'Mortgage interest', amount: 3_150_000, reason: 'DEBT_SERVICE' },
        { label: 'Roof replacement', amount: 1_800_000, reason: 'CAPITAL_EXPENDITURE' },
      ],
      warnings: expect.any(Array),
    });
    expect(codes(r)).toEqual([
      ['NON_OPERATING_EXPENSE', 'Mortgage interest'],
      ['NON_OPERATING_EXPENSE', 'Roof replacement'],
    ]);
    expect(r.warnings[0]?.message).toContain('debt service');
    expect(r.warnings[0]?.message).toContain('$31,500.00');
    expect(r.warnings[1]?.message).toContain('capital expenditure');
    expect(r.warnings[1]?.message).toContain('$18,000.00');
  });

  it('reports a negative NOI, no value at the cap rate, a negative DSCR and a break-even above 100 %', () => {
    const r = analyse({
      property: { name: 'Willow Retail Strip', rentableSquareFeet: 10_000 },
      period: 'ANNUAL',
      incomeLines: [{ label: 'Base rent', category: 'RENT', amount: 60_000 }],
      vacancyAndCreditLoss: { amount: 15_000 },
      expenseLines: [
        { label: 'Property taxes', category: 'TAXES', amount: 20_000 },
        { label: 'Insurance', category: 'INSURANCE', amount: 8_000 },
        { label: 'Utilities', category: 'UTILITIES', amount: 9_500 },
        { label: 'Repairs', category: 'REPAIRS_AND_MAINTENANCE', amount: 12_000 },
        { label: 'Management', category: 'MANAGEMENT', amount: 4_000 },
      ],
      capRates: [8],
      annualDebtService: 30_000,
    });
    // GPR = GPI = 60,000.00; vacancy = 15,000.00; EGI = 45,000.00
    // opex = 20,000 + 8,000 + 9,500 + 12,000 + 4,000 = 53,500.00; NOI = 45,000 − 53,500 = −8,500.00
    // expense ratio = 53,500 / 45,000 = 118.888…% → 118.89 (> 65 %: EXPENSE_RATIO_HIGH)
    // per sq ft = −8,500 / 10,000 = −0.85; value at 8 %: none (a negative NOI capitalises to no value)
    // DSCR = −8,500 / 30,000 = −0.2833… → −0.28; break-even = (53,500 + 30,000) / 60,000 = 139.166…% → 139.17
    expect(r).toEqual({
      period: 'ANNUAL',
      grossPotentialRent: 6_000_000,
      otherIncome: 0,
      grossPotentialIncome: 6_000_000,
      vacancyAndCreditLoss: 1_500_000,
      effectiveGrossIncome: 4_500_000,
      operatingExpenses: 5_350_000,
      operatingExpensesByCategory: [
        { category: 'TAXES', amount: 2_000_000 },
        { category: 'INSURANCE', amount: 800_000 },
        { category: 'UTILITIES', amount: 950_000 },
        { category: 'REPAIRS_AND_MAINTENANCE', amount: 1_200_000 },
        { category: 'MANAGEMENT', amount: 400_000 },
      ],
      netOperatingIncome: -850_000,
      expenseRatioPercent: 118.89,
      noiPerUnit: null,
      noiPerSquareFoot: -85,
      valuations: [{ capRatePercent: 8, value: null }],
      annualDebtService: 3_000_000,
      debtServiceCoverageRatio: -0.28,
      breakEvenOccupancyPercent: 139.17,
      excludedLines: [],
      warnings: expect.any(Array),
    });
    expect(codes(r)).toEqual([
      ['EXPENSE_RATIO_HIGH', null],
      ['NEGATIVE_NOI', null],
    ]);
    expect(r.warnings[1]?.message).toContain('-$8,500.00');
  });
});
