import { z } from 'zod';
import type { Clock } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import { parseInput } from '../validation.js';
import { LedgerRepository } from './ledger.repository.js';

export const MAX_OVERVIEW_DAYS = 366;
const DAY_MS = 86_400_000;

export interface DailyCredits {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** Credits granted by purchases that day. */
  sold: number;
  /** Credits spent (captured analyses and service spends) that day, as a positive number. */
  spent: number;
}

export interface CreditOverview {
  /** First instant counted: midnight UTC, `days − 1` days before today. */
  from: Date;
  /** Every day of the window, oldest first, days without activity included as zeros. */
  days: DailyCredits[];
  totalSold: number;
  totalSpent: number;
}

const window = z.object({
  days: z.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(MAX_OVERVIEW_DAYS),
});

/**
 * Credits sold and spent per day, for operators. The store sums by day (an aggregation on MongoDB),
 * so the cost does not grow with the number of ledger entries sent over the wire.
 */
export class CreditOverviewService {
  private readonly ledger: LedgerRepository;
  private readonly clock: Clock;

  constructor(options: { store: Store; clock: Clock }) {
    this.ledger = new LedgerRepository(options);
    this.clock = options.clock;
  }

  async daily(input: { days: number }): Promise<CreditOverview> {
    const { days } = parseInput(window, input);
    const today = Math.floor(this.clock.now().getTime() / DAY_MS) * DAY_MS;
    const from = new Date(today - (days - 1) * DAY_MS);
    const rows = await this.ledger.purchaseAndSpendByDay(from);
    const byDay = new Map<string, DailyCredits>();
    for (let i = 0; i < days; i += 1) {
      const day = new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10);
      byDay.set(day, { day, sold: 0, spent: 0 });
    }
    for (const r of rows) {
      const d = byDay.get(r.day);
      if (!d) continue; // an entry dated in the future (clock skew between instances) is not today's
      if (r.group === 'purchase') d.sold += r.total;
      else d.spent += -r.total;
    }
    const list = [...byDay.values()];
    return {
      from,
      days: list,
      totalSold: list.reduce((n, d) => n + d.sold, 0),
      totalSpent: list.reduce((n, d) => n + d.spent, 0),
    };
  }
}
