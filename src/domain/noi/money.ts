/**
 * Integer-cent arithmetic for the NOI calculator. Every money figure inside the calculator is a
 * whole number of cents; division is the only place rounding happens, and it goes through
 * `roundDiv` (half away from zero) on BigInt so products like `opex × 10,000` never lose precision.
 */
export type Cents = number;

/** n / d rounded half away from zero. `d` must not be 0. */
export function roundDiv(n: bigint, d: bigint): bigint {
  if (d < 0n) return roundDiv(-n, -d);
  const negative = n < 0n;
  const a = negative ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return negative ? -q : q;
}

/** numerator × multiplier / denominator with `decimals` decimals, rounded half away from zero. */
export function ratio(numerator: Cents, denominator: Cents, decimals: number, multiplier = 1): number {
  const scale = 10n ** BigInt(decimals);
  return Number(roundDiv(BigInt(numerator) * BigInt(multiplier) * scale, BigInt(denominator))) / Number(scale);
}

/** part ÷ whole × 100, with two decimals. */
export const percentOf = (part: Cents, whole: Cents): number => ratio(part, whole, 2, 100);

/** Whether `n` is written with at most `decimals` decimals (uses the shortest round-trip form). */
export function hasAtMostDecimals(n: number, decimals: number): boolean {
  return new RegExp(`^-?\\d+(\\.\\d{1,${decimals}})?$`).test(String(n));
}

/** Exact for any number that `hasAtMostDecimals(n, decimals)` accepts. */
export const toScaledInt = (n: number, decimals: number): number => Math.round(n * 10 ** decimals);

export const dollarsToCents = (dollars: number): Cents => toScaledInt(dollars, 2);

export const centsToDollars = (cents: Cents): number => cents / 100;

/** "$12,345.67" / "-$5.00", for warning messages. */
export function formatCents(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}$${whole}.${String(abs % 100).padStart(2, '0')}`;
}
