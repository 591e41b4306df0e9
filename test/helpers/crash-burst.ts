/**
 * A burst of Stripe deliveries (every event twice: Stripe redelivers) and credit spends against
 * the service process, with a SIGKILL in the middle of it. Records which requests the service
 * acknowledged before it died, so the journey can check what must and must not survive.
 */
import type { FakeEvent } from '../fakes/stripe/stripe-fake.server.js';
import type { Caller, ServiceStack } from './service-stack.js';
import { key } from './stack-actions.js';

export interface Spend {
  caller: Caller;
  key: string;
}
export interface BurstResult {
  /** Events answered 200 before the crash (their effects must survive on a persistent store). */
  acknowledged: Set<string>;
  /** Spends answered without errors before the crash. */
  spent: Set<string>;
  /** Requests that got no answer (the connection died with the process). */
  unanswered: number;
}

const SPEND = `mutation($a: ID!, $k: String!) {
  spendCredits(accountId: $a, amount: 1, reason: "analysis", idempotencyKey: $k) { id }
}`;

export function plannedSpends(customers: Caller[], perCustomer: number): Spend[] {
  return customers.flatMap((caller) => Array.from({ length: perCustomer }, () => ({ caller, key: key('burst') })));
}

/** Sends one spend; true when it was applied (or replayed). */
export async function sendSpend(stack: ServiceStack, backend: string, s: Spend): Promise<boolean> {
  const r = await stack.gql(SPEND, { a: s.caller.accountId, k: s.key }, backend);
  return r.status === 200 && !r.errors?.length;
}

/**
 * Interleaves the deliveries and spends, `concurrency` at a time, and SIGKILLs the service once
 * `killAfter` requests have been answered. Requests still in flight or not yet sent are unanswered.
 */
export async function crashDuringBurst(
  stack: ServiceStack,
  options: { events: FakeEvent[]; spends: Spend[]; backend: string; killAfter: number; concurrency?: number },
): Promise<BurstResult> {
  const jobs: Array<() => Promise<void>> = [];
  const result: BurstResult = { acknowledged: new Set(), spent: new Set(), unanswered: 0 };
  let answered = 0;
  let killed = false;
  const answer = (): void => {
    answered += 1;
    if (answered >= options.killAfter && !killed) {
      killed = true;
      void stack.proc.stop('SIGKILL');
    }
  };
  for (const event of [...options.events, ...options.events])
    jobs.push(async () => {
      const d = await stack.webhook(event);
      if (d.status === 200) result.acknowledged.add(event.id);
      answer();
    });
  for (const s of options.spends)
    jobs.push(async () => {
      if (await sendSpend(stack, options.backend, s)) result.spent.add(s.key);
      answer();
    });
  // Deterministic interleaving (no randomness in a test): alternate deliveries and spends.
  const order = interleave(jobs.slice(0, options.events.length * 2), jobs.slice(options.events.length * 2));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < order.length) {
      const job = order[next++]!;
      if (killed) {
        result.unanswered += 1;
        continue;
      }
      await job().catch(() => {
        result.unanswered += 1;
      });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 6 }, worker));
  if (!killed) await stack.proc.stop('SIGKILL');
  await stack.proc.exited;
  return result;
}

function interleave<T>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}
