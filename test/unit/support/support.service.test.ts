import { describe, expect, it } from 'vitest';
import { AccountService } from '../../../src/domain/accounts/account.service.js';
import type { DomainError } from '../../../src/domain/errors.js';
import { LedgerService } from '../../../src/domain/ledger/ledger.service.js';
import type { Actor } from '../../../src/domain/ports/documents.js';
import type { Clock } from '../../../src/domain/ports/runtime.port.js';
import { SupportService } from '../../../src/domain/support/support.service.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';

class ManualClock implements Clock {
  t = Date.UTC(2025, 0, 1);
  now = (): Date => new Date(this.t);
}

function setup(confirmAbove = 100) {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const accounts = new AccountService({ store, clock });
  const ledger = new LedgerService({ store, clock });
  const support = new SupportService({ store, clock, accounts, ledger, confirmAbove, confirmationTtlMs: 60_000 });
  const account = async (balance: number) => {
    const a = await accounts.findOrCreateByEmail(`u${Math.random().toString(36).slice(2)}@example.com`);
    if (balance > 0)
      await ledger.grant({
        accountId: a.id,
        amount: balance,
        reason: 'seed',
        idempotencyKey: 'seed',
        actor: { type: 'system', id: 't' },
        source: { type: 'system' },
      });
    return accounts.getById(a.id);
  };
  return { store, clock, accounts, ledger, support, account };
}

const alice: Actor = { type: 'discord', id: '1', name: 'alice' };
const bob: Actor = { type: 'discord', id: '2', name: 'bob' };
const code = async (p: Promise<unknown>) =>
  (await p.then(
    () => null,
    (e: unknown) => e,
  )) as DomainError | null;

describe(SupportService.name, () => {
  describe('removeCredits', () => {
    it('removes at once up to the threshold and the available balance', async () => {
      const { support, account } = setup();
      const a = await account(100);
      const r = await support.removeCredits({
        target: { accountId: a.id },
        amount: 100,
        reason: 'r',
        idempotencyKey: 'k',
        actor: alice,
      });
      expect(r.status).toBe('removed');
      expect(r.status === 'removed' && r.change.account.balance).toBe(0);
    });

    it('asks for confirmation above the threshold or above the available balance', async () => {
      const { support, account } = setup(10);
      const a = await account(50);
      const big = await support.removeCredits({
        target: { accountId: a.id },
        amount: 11,
        reason: 'r',
        idempotencyKey: 'k1',
        actor: alice,
      });
      expect(big.status === 'needs_confirmation' && big.confirmation.because).toEqual(['above_threshold']);
      const b = await account(5);
      const over = await support.removeCredits({
        target: { accountId: b.id },
        amount: 8,
        reason: 'r',
        idempotencyKey: 'k2',
        actor: alice,
      });
      expect(over.status === 'needs_confirmation' && over.confirmation).toMatchObject({
        because: ['above_available'],
        wouldRemove: 5,
      });
    });
  });

  describe('confirmRemoval', () => {
    it('applies once however many presses race, clamped to what is available', async () => {
      const { support, account, store, accounts } = setup();
      const a = await account(30);
      const asked = await support.removeCredits({
        target: { accountId: a.id },
        amount: 80,
        reason: 'r',
        idempotencyKey: 'k',
        actor: alice,
      });
      if (asked.status !== 'needs_confirmation') throw new Error('expected a prompt');
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          support.confirmRemoval({ confirmationId: asked.confirmation.id, actor: alice }),
        ),
      );
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect(results.every((r) => r.entry.amount === -30 && r.clamped)).toBe(true);
      expect((await accounts.getById(a.id)).balance).toBe(0);
      expect(await store.collection('ledgerEntries').count({ accountId: a.id })).toBe(2);
    });

    it('refuses anyone but the requester', async () => {
      const { support, account, accounts } = setup();
      const a = await account(30);
      const asked = await support.removeCredits({
        target: { accountId: a.id },
        amount: 80,
        reason: 'r',
        idempotencyKey: 'k',
        actor: alice,
      });
      if (asked.status !== 'needs_confirmation') throw new Error('expected a prompt');
      const err = await code(support.confirmRemoval({ confirmationId: asked.confirmation.id, actor: bob }));
      expect(err?.code).toBe('FORBIDDEN');
      const cancel = await code(support.cancelRemoval({ confirmationId: asked.confirmation.id, actor: bob }));
      expect(cancel?.code).toBe('FORBIDDEN');
      expect((await accounts.getById(a.id)).balance).toBe(30);
    });

    it('expires by the injected clock', async () => {
      const { support, account, clock, accounts } = setup();
      const a = await account(30);
      const asked = await support.removeCredits({
        target: { accountId: a.id },
        amount: 80,
        reason: 'r',
        idempotencyKey: 'k',
        actor: alice,
      });
      if (asked.status !== 'needs_confirmation') throw new Error('expected a prompt');
      clock.t += 59_999;
      const stillOpen = await support.removeCredits({
        target: { accountId: a.id },
        amount: 80,
        reason: 'r',
        idempotencyKey: 'k',
        actor: alice,
      });
      expect(stillOpen.status).toBe('needs_confirmation');
      clock.t += 1;
      const err = await code(support.confirmRemoval({ confirmationId: asked.confirmation.id, actor: alice }));
      expect(err?.code).toBe('CONFLICT');
      expect(err?.message).toMatch(/expired/);
      expect((await accounts.getById(a.id)).balance).toBe(30);
    });

    it('refuses with INSUFFICIENT_CREDITS when nothing is available, never going below zero', async () => {
      const { support, account, accounts } = setup();
      const a = await account(0);
      const asked = await support.removeCredits({
        target: { accountId: a.id },
        amount: 1,
        reason: 'r',
        idempotencyKey: 'k',
        actor: alice,
      });
      if (asked.status !== 'needs_confirmation') throw new Error('expected a prompt');
      const err = await code(support.confirmRemoval({ confirmationId: asked.confirmation.id, actor: alice }));
      expect(err?.code).toBe('INSUFFICIENT_CREDITS');
      expect((await accounts.getById(a.id)).balance).toBe(0);
    });
  });

  describe('resolveAccount', () => {
    it('needs exactly one way to name the account', async () => {
      const { support } = setup();
      expect((await code(support.resolveAccount({})))?.code).toBe('BAD_USER_INPUT');
      expect((await code(support.resolveAccount({ email: 'a@b.co', accountId: 'x' })))?.code).toBe('BAD_USER_INPUT');
      expect((await code(support.resolveAccount({ email: '  ' })))?.code).toBe('BAD_USER_INPUT');
    });

    it('finds an account by email case-insensitively and by linked member', async () => {
      const { support, account, accounts } = setup();
      const a = await account(0);
      expect((await support.resolveAccount({ email: a.email.toUpperCase() })).id).toBe(a.id);
      await accounts.linkDiscordUser({ accountId: a.id, discordUserId: '42', actor: alice });
      expect((await support.resolveAccount({ discordUserId: '42' })).id).toBe(a.id);
      expect((await code(support.resolveAccount({ discordUserId: '43' })))?.code).toBe('NOT_FOUND');
    });
  });
});
