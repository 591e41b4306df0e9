import { DomainError } from '../errors.js';
import type { Clock, Logger } from '../ports/runtime.port.js';
import type { JobRepository } from './job.repository.js';

export type Acquired = { acquired: true } | { acquired: false; reason: string };

/**
 * One instance's side of the `jobLocks` leases: take (one conditional upsert that wins only if the
 * lease has expired and its slot has not run yet), renew while working, give back at the end.
 */
export class JobLeases {
  constructor(
    private readonly o: { repo: JobRepository; clock: Clock; logger: Logger; holder: string; leaseMs: number },
  ) {}

  async acquire(lease: string, slot: Date, now: Date): Promise<Acquired> {
    const { repo, holder } = this.o;
    if (await repo.takeLease(lease, { holder, now, expiresAt: this.expiry(), slot })) return { acquired: true };
    const lock = await repo.lease(lease);
    if (lock && lock.expiresAt > now)
      return { acquired: false, reason: `lease held by ${lock.holder} until ${lock.expiresAt.toISOString()}` };
    return { acquired: false, reason: `slot ${slot.toISOString()} already ran` };
  }

  /**
   * A renewal that fails means another holder may take the lease once it expires: the work is told
   * to stop (its signal aborts) rather than risk two holders running the same job.
   */
  async renew(lease: string, fence: AbortController): Promise<void> {
    if (fence.signal.aborted) return;
    const { repo, holder, logger } = this.o;
    try {
      const kept = await repo.extendLease(lease, holder, this.expiry());
      if (kept) return;
      logger.warn({ job: lease, holder }, 'job lease lost while running; stopping the work');
      fence.abort(new DomainError('CONFLICT', `the ${lease} lease was lost while running`));
    } catch (error) {
      logger.warn({ err: error, job: lease }, 'could not renew the job lease; stopping the work');
      fence.abort(new DomainError('CONFLICT', `the ${lease} lease could not be renewed`));
    }
  }

  /** True when the lease was given back (false: another holder has it, or the store failed). */
  async release(lease: string): Promise<boolean> {
    try {
      return (await this.o.repo.extendLease(lease, this.o.holder, this.o.clock.now())) !== null;
    } catch (e) {
      this.o.logger.warn({ err: e, job: lease }, 'could not release the job lease; it will expire');
      return false;
    }
  }

  private expiry(): Date {
    return new Date(this.o.clock.now().getTime() + this.o.leaseMs);
  }
}
