import { centsToDollars } from './money.js';
import type { NoiInput, NoiResult } from './noi.types.js';
import type { NarrativeFacts } from './statement-extractor.port.js';

/** The computed figures in dollars, for the narrative (the model never sees cents). */
export function narrativeFacts(input: NoiInput, r: NoiResult): NarrativeFacts {
  const $ = (c: number | null): number | null => (c === null ? null : centsToDollars(c));
  return {
    propertyName: input.property.name,
    period: r.period,
    figures: {
      units: input.property.units,
      rentableSquareFeet: input.property.rentableSquareFeet,
      grossPotentialRent: $(r.grossPotentialRent),
      otherIncome: $(r.otherIncome),
      grossPotentialIncome: $(r.grossPotentialIncome),
      vacancyAndCreditLoss: $(r.vacancyAndCreditLoss),
      effectiveGrossIncome: $(r.effectiveGrossIncome),
      operatingExpenses: $(r.operatingExpenses),
      netOperatingIncome: $(r.netOperatingIncome),
      expenseRatioPercent: r.expenseRatioPercent,
      noiPerUnit: $(r.noiPerUnit),
      noiPerSquareFoot: $(r.noiPerSquareFoot),
      annualDebtService: $(r.annualDebtService),
      debtServiceCoverageRatio: r.debtServiceCoverageRatio,
      breakEvenOccupancyPercent: r.breakEvenOccupancyPercent,
    },
    valuations: r.valuations.map((v) => ({ capRatePercent: v.capRatePercent, value: $(v.value) })),
    excludedLines: r.excludedLines.map((l) => ({ label: l.label, amount: centsToDollars(l.amount), reason: l.reason })),
    warnings: r.warnings.map((w) => w.message),
  };
}
