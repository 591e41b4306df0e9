import type { NonOperatingReason } from './noi.types.js';

/**
 * Expense lines that do not belong in operating expenses. NOI is income less the cost of operating
 * the property; financing (debt service), non-cash accounting entries (depreciation, amortisation),
 * capital spending and the owner's income taxes come after NOI. Statements pasted from an owner's
 * books often mix them in, which understates NOI (and so the value at any cap rate).
 *
 * Rules are tried in order ("amortisation of loan costs" is amortisation, not debt service).
 * Replacement *reserves* are an operating allowance many underwriters keep above NOI, so a line
 * mentioning a reserve is never treated as a capital expenditure.
 */
const RULES: ReadonlyArray<{ reason: NonOperatingReason; pattern: RegExp; unless?: RegExp }> = [
  { reason: 'DEPRECIATION', pattern: /\bdepreciation\b/i },
  { reason: 'AMORTISATION', pattern: /\bamorti[sz]ation\b/i },
  { reason: 'DEBT_SERVICE', pattern: /\b(mortgage|debt service|loan|principal|interest|p\s*&\s*i)\b/i },
  {
    reason: 'CAPITAL_EXPENDITURE',
    pattern: /\b(capital (expenditures?|improvements?|expenses?)|cap\s?ex|replacements?|renovations?)\b/i,
    unless: /\breserves?\b/i,
  },
  { reason: 'INCOME_TAX', pattern: /\b(income tax(es)?|federal tax(es)?)\b/i },
];

export function nonOperatingReason(label: string): NonOperatingReason | null {
  for (const rule of RULES) {
    if (rule.pattern.test(label) && !rule.unless?.test(label)) return rule.reason;
  }
  return null;
}

export const NON_OPERATING_EXPLANATION: Record<NonOperatingReason, string> = {
  DEBT_SERVICE: 'looks like debt service (mortgage principal or interest), which is paid out of NOI',
  DEPRECIATION: 'looks like depreciation, a non-cash accounting entry',
  AMORTISATION: 'looks like amortisation, a non-cash accounting entry',
  CAPITAL_EXPENDITURE: 'looks like a capital expenditure or replacement, which is not a recurring operating cost',
  INCOME_TAX: "looks like the owner's income tax, which depends on the owner, not the property",
};
