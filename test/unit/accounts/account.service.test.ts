import { describe, expect, it } from 'vitest';
import { AccountService } from '../../../src/domain/accounts/account.service.js';
import { systemClock } from '../../../src/domain/ports/runtime.port.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { supportActor } from '../../helpers/ledger-fixture.js';

const setup = () => {
  const store = new MemoryStore();
  return { store, accounts: new AccountService({ store, clock: systemClock }) };
};

describe(AccountService.name, () => {
  describe('findOrCreateBySubject', () => {
    it('creates the account on first sight and returns the same one afterwards', async () => {
      const { accounts } = setup();
      const a = await accounts.findOrCreateBySubject({ subject: 'auth0|1', email: 'Jane@Example.com' });
      expect(a).toMatchObject({ email: 'jane@example.com', balance: 0, reserved: 0, available: 0, status: 'active' });
      expect(await accounts.findOrCreateBySubject({ subject: 'auth0|1', email: 'jane@example.com' })).toEqual(a);
    });

    it('converges 50 concurrent first requests on one account', async () => {
      const { accounts, store } = setup();
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          accounts.findOrCreateBySubject({ subject: 'auth0|race', email: 'race@example.com' }),
        ),
      );
      expect(new Set(results.map((a) => a.id)).size).toBe(1);
      expect(await store.collection('accounts').count({})).toBe(1);
    });

    it('links an account support created by email on first sign-in', async () => {
      const { accounts } = setup();
      const pre = await accounts.findOrCreateByEmail('early@example.com');
      const signedIn = await accounts.findOrCreateBySubject({ subject: 'auth0|early', email: 'EARLY@example.com' });
      expect(signedIn.id).toBe(pre.id);
      expect(signedIn.authSubject).toBe('auth0|early');
    });

    it('refuses an email that belongs to another identity', async () => {
      const { accounts } = setup();
      await accounts.findOrCreateBySubject({ subject: 'auth0|a', email: 'shared@example.com' });
      await expect(
        accounts.findOrCreateBySubject({ subject: 'auth0|b', email: 'shared@example.com' }),
      ).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    });

    it('refuses a malformed email', async () => {
      const { accounts } = setup();
      await expect(accounts.findOrCreateBySubject({ subject: 's', email: 'not-an-email' })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
    });
  });

  describe('look-ups', () => {
    it('finds by id, by email case-insensitively, and by Discord user id', async () => {
      const { accounts } = setup();
      const a = await accounts.findOrCreateBySubject({ subject: 's1', email: 'look@example.com' });
      await accounts.linkDiscordUser({ accountId: a.id, discordUserId: '123456789', actor: supportActor });
      expect((await accounts.getById(a.id)).email).toBe('look@example.com');
      expect((await accounts.findByEmail('  LOOK@Example.COM '))?.id).toBe(a.id);
      expect((await accounts.findByDiscordUserId('123456789'))?.id).toBe(a.id);
      await expect(accounts.getById('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await accounts.findByEmail('nobody@example.com')).toBeNull();
    });

    it('refuses to link one Discord user to two accounts', async () => {
      const { accounts } = setup();
      const a = await accounts.findOrCreateBySubject({ subject: 's1', email: 'a@example.com' });
      const b = await accounts.findOrCreateBySubject({ subject: 's2', email: 'b@example.com' });
      await accounts.linkDiscordUser({ accountId: a.id, discordUserId: '42', actor: supportActor });
      await expect(
        accounts.linkDiscordUser({ accountId: b.id, discordUserId: '42', actor: supportActor }),
      ).rejects.toMatchObject({
        code: 'CONFLICT',
      });
    });

    it('searches by email prefix in email order', async () => {
      const { accounts } = setup();
      for (const [i, email] of ['bob@x.io', 'ann@x.io', 'anna@x.io', 'a.n@x.io'].entries())
        await accounts.findOrCreateBySubject({ subject: `s${i}`, email });
      const page = await accounts.search('AN', { first: 10 });
      expect(page.items.map((a) => a.email)).toEqual(['ann@x.io', 'anna@x.io']);
      expect((await accounts.search('a.', { first: 10 })).items.map((a) => a.email)).toEqual(['a.n@x.io']);
    });
  });

  describe('freeze / unfreeze', () => {
    it('changes the status and audits who did it and why', async () => {
      const { accounts, store } = setup();
      const a = await accounts.findOrCreateBySubject({ subject: 's', email: 'f@example.com' });
      expect((await accounts.freeze({ accountId: a.id, reason: 'fraud check', actor: supportActor })).status).toBe(
        'frozen',
      );
      expect((await accounts.unfreeze({ accountId: a.id, reason: 'cleared', actor: supportActor })).status).toBe(
        'active',
      );
      const audit = await store.collection('auditLog').find({ 'target.id': a.id }, { sort: { createdAt: 1, _id: 1 } });
      expect(audit.map((r) => [r.action, r.reason, r.actor.id])).toEqual([
        ['account.freeze', 'fraud check', supportActor.id],
        ['account.unfreeze', 'cleared', supportActor.id],
      ]);
      await expect(accounts.freeze({ accountId: a.id, reason: '', actor: supportActor })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
    });
  });
});
